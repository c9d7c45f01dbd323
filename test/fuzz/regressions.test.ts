/** Counterexamples the fuzzers found, kept as plain tests. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { memoryStore } from 'seshjs'
import { createArchitect, type ArcEvent } from 'seshjs/architect'
import { toLambda, type LambdaHttpEvent } from 'seshjs/lambda'
import { createCounterApp } from '../../examples/counter/app.js'
import { SECRET } from '../helpers.js'

beforeAll(() => void vi.spyOn(console, 'error').mockImplementation(() => {}))
afterAll(() => vi.restoreAllMocks())

const handler = toLambda(createCounterApp({ secret: SECRET, store: memoryStore(), onWarning() {} }).fetch)
const elb = { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1' } }

describe('fuzz regressions', () => {
  it('toLambda: a base64 body that does not decode is a 400, not a 500', async () => {
    const event = { httpMethod: 'PUT', path: '/', headers: {}, body: '𢨿񰧵', isBase64Encoded: true, requestContext: elb } as LambdaHttpEvent
    const result = await handler(event, {})
    expect(result.statusCode).toBe(400)
    expect(result.statusDescription).toBe('400 Bad Request')
  })

  it('toLambda: repeated multi-value headers no Headers accepts are skipped, not thrown', async () => {
    const event = {
      httpMethod: 'GET',
      path: '/',
      headers: {},
      multiValueHeaders: { 'x-odd': ['\u{89f31}\u{58f5c}', 'plain'], cookie: ['a=1', 'b=2'] },
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      body: null,
      isBase64Encoded: false,
      requestContext: { domainName: 'example.com' },
    } as LambdaHttpEvent
    const result = await handler(event, {})
    expect(result.statusCode).toBeLessThan(500)
  })

  it('seshjs/architect: a cookie that is not a byte string is dropped, the rest still read', async () => {
    const arc = createArchitect({ secret: SECRET, env: {}, onWarning() {} })
    const first = await arc.http(async () => ({ session: { n: 1 }, json: {} }))(
      {
        version: '2.0',
        rawPath: '/',
        rawQueryString: '',
        headers: { host: 'localhost' },
        requestContext: { http: { method: 'POST', path: '/' } },
        isBase64Encoded: false,
      } as ArcEvent,
      {},
    )
    const cookie = first.cookies?.[0]?.split(';')[0] ?? String(first.headers?.['set-cookie']).split(';')[0]!
    const event = {
      version: '2.0',
      rawPath: '/',
      rawQueryString: '',
      headers: { host: 'localhost' },
      cookies: ['\u{5e210}\u{66f73}=x', cookie],
      requestContext: { http: { method: 'GET', path: '/' } },
      isBase64Encoded: false,
    } as ArcEvent
    const result = await arc.http(async (req) => ({ json: { n: req.session.n ?? null } }))(event, {})
    expect(result.statusCode).toBe(200)
    expect(JSON.parse(result.body as string)).toEqual({ n: 1 })
  })
})
