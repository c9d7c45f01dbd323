import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createCounterApp } from '../examples/counter/app.js'
import { SECRET } from '../test/helpers.js'
import {
  type ALBEvent,
  type APIGatewayProxyEvent,
  type APIGatewayProxyEventV2,
  type LambdaHttpEvent,
  type LambdaHttpResult,
  toLambda,
} from './lambda.js'

/** The event shapes AWS documents, one file per kind. */
function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/lambda/${name}.json`, import.meta.url), 'utf8')) as T
}
const restEvent = () => fixture<APIGatewayProxyEvent>('rest-v1')
const httpEvent = () => fixture<APIGatewayProxyEventV2>('http-v2')
const urlEvent = () => fixture<APIGatewayProxyEventV2>('function-url')
const albEvent = () => fixture<ALBEvent>('alb')
const albMultiEvent = () => fixture<ALBEvent>('alb-multi-value')

/** What the echo handler saw. */
interface Seen {
  method: string
  url: string
  cookie: string | null
  accept: string | null
  body: string
  query: Record<string, string[]>
}

/** Echoes the request as JSON and sets two cookies. */
async function echo(request: Request): Promise<Response> {
  const url = new URL(request.url)
  const query: Record<string, string[]> = {}
  for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key)
  const seen: Seen = {
    method: request.method,
    url: request.url,
    cookie: request.headers.get('cookie'),
    accept: request.headers.get('accept'),
    body: request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text(),
    query,
  }
  const headers = new Headers({ 'content-type': 'application/json' })
  headers.append('set-cookie', 'a=1; Path=/; HttpOnly')
  headers.append('set-cookie', 'b=2, with comma; Path=/')
  return new Response(JSON.stringify(seen), { headers })
}

const handler = toLambda(echo)
const seenOf = (result: LambdaHttpResult): Seen => JSON.parse(result.body) as Seen
const b64 = (text: string) => Buffer.from(text).toString('base64')

describe('toLambda: API Gateway REST (payload v1)', () => {
  it('maps method, host, path and repeated query keys', async () => {
    const seen = seenOf(await handler(restEvent()))
    expect(seen.method).toBe('GET')
    expect(seen.url.startsWith('https://id.execute-api.us-east-1.amazonaws.com/my/path?')).toBe(true)
    expect(seen.query).toEqual({ parameter1: ['value1', 'value2'], parameter2: ['value'] })
  })

  it('reads the Cookie header, joining repeated Cookie headers with "; "', async () => {
    const event = restEvent()
    event.headers = { ...event.headers, Cookie: 'x=1' }
    event.multiValueHeaders = { ...event.multiValueHeaders, Cookie: ['x=1', 'y=2'] }
    expect(seenOf(await handler(event)).cookie).toBe('x=1; y=2')
  })

  it('keeps other repeated headers as a list', async () => {
    const event = restEvent()
    event.multiValueHeaders = { ...event.multiValueHeaders, accept: ['text/html', 'application/json'] }
    expect(seenOf(await handler(event)).accept).toBe('text/html, application/json')
  })

  it('decodes a base64 request body', async () => {
    const event = { ...restEvent(), httpMethod: 'POST', body: b64('count=1&note=h%C3%A9'), isBase64Encoded: true }
    expect(seenOf(await handler(event)).body).toBe('count=1&note=h%C3%A9')
  })

  it('puts each Set-Cookie into multiValueHeaders, never merged', async () => {
    const result = await handler(restEvent())
    expect(result.statusCode).toBe(200)
    expect(result.multiValueHeaders?.['set-cookie']).toEqual(['a=1; Path=/; HttpOnly', 'b=2, with comma; Path=/'])
    expect(result.headers?.['set-cookie']).toBeUndefined()
    expect(result.cookies).toBeUndefined()
    expect(result.isBase64Encoded).toBe(false)
  })

  it('works when the event has no multiValueHeaders', async () => {
    const event = { ...restEvent(), multiValueHeaders: null, headers: { Cookie: 'x=1' } }
    const result = await handler(event)
    expect(seenOf(result).cookie).toBe('x=1')
    expect(result.multiValueHeaders?.['set-cookie']).toHaveLength(2)
  })
})

describe.each([
  ['HTTP API (payload v2)', httpEvent, 'id.execute-api.us-east-1.amazonaws.com'],
  ['Function URL', urlEvent, '<url-id>.lambda-url.us-west-2.on.aws'.replace(/[<>]/g, '')],
])('toLambda: %s', (_kind, makeEvent, host) => {
  const event = (): APIGatewayProxyEventV2 => {
    const e = makeEvent()
    e.requestContext.domainName = host // the docs' placeholder host is not a valid URL host
    return e
  }

  it('maps method, path and repeated query keys from rawQueryString', async () => {
    const seen = seenOf(await handler(event()))
    expect(seen.method).toBe('POST')
    expect(seen.url).toBe(`https://${host}/my/path?parameter1=value1&parameter1=value2&parameter2=value`)
    expect(seen.query).toEqual({ parameter1: ['value1', 'value2'], parameter2: ['value'] })
  })

  it('reads request cookies from event.cookies', async () => {
    const e = { ...event(), cookies: ['_idx=abc', 'theme=dark'] }
    expect(seenOf(await handler(e)).cookie).toBe('_idx=abc; theme=dark')
  })

  it('decodes a base64 request body', async () => {
    const e = { ...event(), body: b64('a=1&a=2'), isBase64Encoded: true }
    expect(seenOf(await handler(e)).body).toBe('a=1&a=2')
  })

  it('puts each Set-Cookie into cookies[], never into headers', async () => {
    const result = await handler(event())
    expect(result.cookies).toEqual(['a=1; Path=/; HttpOnly', 'b=2, with comma; Path=/'])
    expect(Object.keys(result.headers ?? {}).map((k) => k.toLowerCase())).not.toContain('set-cookie')
    expect(result.multiValueHeaders).toBeUndefined()
  })
})

describe('toLambda: Application Load Balancer', () => {
  it('with multi-value headers: cookies in, multiValueHeaders set-cookie out, statusDescription', async () => {
    const event = albMultiEvent()
    event.multiValueHeaders = { ...event.multiValueHeaders, cookie: ['x=1', 'y=2'] }
    event.multiValueQueryStringParameters = { query: ['1234ABCD', 'two'], other: ['x%20y'] }
    const result = await handler(event)
    const seen = seenOf(result)
    expect(seen.url.startsWith('https://lambda-alb-123578498.us-east-2.elb.amazonaws.com/lambda?')).toBe(true)
    expect(seen.cookie).toBe('x=1; y=2')
    expect(seen.query).toEqual({ query: ['1234ABCD', 'two'], other: ['x y'] })
    expect(result.multiValueHeaders?.['set-cookie']).toEqual(['a=1; Path=/; HttpOnly', 'b=2, with comma; Path=/'])
    expect(result.statusDescription).toBe('200 OK')
  })

  it('with multi-value headers: keeps other repeated headers apart', async () => {
    const event = albMultiEvent()
    event.multiValueHeaders = { ...event.multiValueHeaders, accept: ['text/html', 'application/json'] }
    expect(seenOf(await handler(event)).accept).toBe('text/html, application/json')
  })

  it('without multi-value headers: single headers in and out', async () => {
    const event = albEvent()
    event.headers = { ...event.headers, cookie: 'x=1; y=2' }
    const result = await handler(event)
    const seen = seenOf(result)
    expect(seen.cookie).toBe('x=1; y=2')
    expect(seen.query).toEqual({ query: ['1234ABCD'] })
    expect(result.headers?.['set-cookie']).toBe('a=1; Path=/; HttpOnly')
    expect(result.multiValueHeaders).toBeUndefined()
  })

  it('decodes a base64 body', async () => {
    const event = { ...albMultiEvent(), httpMethod: 'POST', body: b64('hello'), isBase64Encoded: true }
    expect(seenOf(await handler(event)).body).toBe('hello')
  })
})

describe('toLambda: responses', () => {
  it('base64-encodes a binary response body', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255])
    const result = await toLambda(() => new Response(bytes, { headers: { 'content-type': 'image/png' } }))(httpEvent())
    expect(result.isBase64Encoded).toBe(true)
    expect([...Buffer.from(result.body, 'base64')]).toEqual([...bytes])
  })

  it('sends text as text', async () => {
    const result = await toLambda(() => new Response('héllo', { headers: { 'content-type': 'text/html; charset=utf-8' } }))(httpEvent())
    expect(result).toMatchObject({ body: 'héllo', isBase64Encoded: false })
  })

  it('copes with immutable headers (Response.redirect)', async () => {
    const result = await toLambda(() => Response.redirect('https://example.com/', 302))(restEvent())
    expect(result.statusCode).toBe(302)
    expect(result.multiValueHeaders?.location).toEqual(['https://example.com/'])
  })

  it('hands the event and context to the handler (c.env in a Hono app)', async () => {
    let seen: unknown
    const event = restEvent()
    await toLambda((_request, env) => {
      seen = env
      return new Response('ok')
    })(event, { functionName: 'counter' })
    expect(seen).toMatchObject({ event, requestContext: event.requestContext, lambdaContext: { functionName: 'counter' } })
  })

  it('turns a thrown error into a bare 500', async () => {
    for (const event of [restEvent(), httpEvent(), albEvent()] as LambdaHttpEvent[]) {
      const result = await toLambda(() => {
        throw new Error('secret internals')
      })(event)
      expect(result.statusCode).toBe(500)
      expect(result.body).not.toContain('secret internals')
    }
  })
})

describe('toLambda: the counter, with sessions', () => {
  const counter = toLambda(createCounterApp({ secret: SECRET, onWarning: () => {} }).fetch)

  const v2 = (method: string, path: string, cookies?: string[]): APIGatewayProxyEventV2 => {
    const event = httpEvent()
    const { cookies: _drop, ...rest } = event
    return {
      ...rest,
      ...(cookies ? { cookies } : {}),
      rawPath: path,
      rawQueryString: '',
      body: undefined,
      requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method, path } },
    } as APIGatewayProxyEventV2
  }
  const v1 = (method: string, path: string, cookie?: string): APIGatewayProxyEvent => ({
    ...restEvent(),
    httpMethod: method,
    path,
    body: null,
    headers: cookie ? { Cookie: cookie } : {},
    multiValueHeaders: cookie ? { Cookie: [cookie] } : {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
  })

  it('payload v2: counts across requests through cookies[]', async () => {
    let cookies: string[] | undefined
    for (let i = 0; i < 2; i++) {
      const result = await counter(v2('POST', '/count', cookies))
      expect(result.statusCode).toBe(302)
      expect(result.cookies).toHaveLength(1)
      cookies = result.cookies!.map((c) => c.split(';')[0]!)
    }
    const page = await counter(v2('GET', '/', cookies))
    expect(page.body).toContain('Count 2')
    expect(page.cookies ?? []).toHaveLength(0) // an unchanged session writes nothing
  })

  it('payload v1: counts across requests through multiValueHeaders', async () => {
    const first = await counter(v1('POST', '/count'))
    const cookie = first.multiValueHeaders!['set-cookie']![0]!.split(';')[0]!
    expect(cookie.startsWith('_idx=')).toBe(true)
    const page = await counter(v1('GET', '/', cookie))
    expect(page.body).toContain('Count 1')
  })

  it('a hostile cookie gives a fresh session, not a 500', async () => {
    const page = await counter(v2('GET', '/', ['_idx=%E0%A4%A', '_idx=eyJhbGciOiJub25lIn0.e30.']))
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Count 0')
  })
})
