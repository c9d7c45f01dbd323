/** Chunked cookie sessions through toLambda: every chunk in cookies[] (v2) or multiValueHeaders (v1), and back. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createChunksApp } from '../test/integration/chunks-app.js'
import { SECRET } from '../test/helpers.js'
import { type APIGatewayProxyEvent, type APIGatewayProxyEventV2, toLambda } from './lambda.js'

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/lambda/${name}.json`, import.meta.url), 'utf8')) as T
}

const app = toLambda(createChunksApp(SECRET).fetch)
const sizeOf = (body: string) => Number(/id="size">(\d+)/.exec(body)![1])
const pairs = (setCookies: readonly string[]) => setCookies.filter((c) => !/Max-Age=0/.test(c)).map((c) => c.split(';')[0]!)

function v2(method: string, path: string, cookies?: string[]): APIGatewayProxyEventV2 {
  const event = fixture<APIGatewayProxyEventV2>('http-v2')
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

function v1(method: string, path: string, cookie?: string): APIGatewayProxyEvent {
  return {
    ...fixture<APIGatewayProxyEvent>('rest-v1'),
    httpMethod: method,
    path,
    body: null,
    headers: cookie ? { Cookie: cookie } : {},
    multiValueHeaders: cookie ? { Cookie: [cookie] } : {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
  }
}

describe('toLambda with chunked cookies', () => {
  it('payload v2: four cookies in cookies[], read back from the event cookies, shrinking expires three', async () => {
    const grown = await app(v2('POST', '/grow'))
    expect(grown.cookies).toHaveLength(4)
    const cookies = pairs(grown.cookies!)
    expect(cookies.map((c) => c.split('=')[0])).toEqual(['_idx', '_idx.1', '_idx.2', '_idx.3'])
    expect(sizeOf((await app(v2('GET', '/', cookies))).body)).toBe(10 * 1024)
    const shrunk = await app(v2('POST', '/shrink', cookies))
    expect(shrunk.cookies!.filter((c) => /Max-Age=0/.test(c)).map((c) => c.split('=')[0])).toEqual(['_idx.1', '_idx.2', '_idx.3'])
    expect(sizeOf((await app(v2('GET', '/', pairs(shrunk.cookies!)))).body)).toBe(5)
  })

  it('payload v1: every chunk in multiValueHeaders set-cookie, read back from the Cookie header', async () => {
    const grown = await app(v1('POST', '/grow'))
    const setCookies = grown.multiValueHeaders!['set-cookie'] as string[]
    expect(setCookies).toHaveLength(4)
    expect(sizeOf((await app(v1('GET', '/', pairs(setCookies).join('; ')))).body)).toBe(10 * 1024)
  })
})
