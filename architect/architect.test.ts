/** Unit tests of seshjs/architect's parts (the differential and wire tests live in test/architect/). */
import { describe, expect, it } from 'vitest'
import { createArchitect, type ArcEvent, type ArcRequest } from 'seshjs/architect'
import { cookieStore, memoryStore, SessionSecretError, SessionStoreUnavailableError, type SessionStore } from 'seshjs'
import { InvalidBodyError, parseBody } from './body.js'
import { runChain } from './chain.js'
import { negotiate } from './compress.js'
import { placeCookies } from './cookies.js'
import { errorStatus } from './error-page.js'
import { shapeRequest } from './request.js'

const SECRET = 'abcdefghijklmnopqrstuvwxyz0123456789'
const env = { ARC_SESSION_TABLE_NAME: 'jwe', ARC_APP_SECRET: SECRET }
const event = (cookie?: string): ArcEvent => ({
  version: '2.0',
  routeKey: 'GET /',
  rawPath: '/',
  headers: {},
  requestContext: { http: { method: 'GET' } },
  ...(cookie ? { cookies: [cookie] } : {}),
})

describe('negotiate', () => {
  it.each([
    ['gzip, deflate, br', undefined, 'br'],
    ['gzip,deflate', undefined, 'gzip'],
    ['br;q=0, gzip', undefined, 'gzip'],
    ['identity', undefined, undefined],
    ['br, gzip', 'gzip', 'gzip'],
    ['gzip', 'br', 'gzip'],
  ])('%s (prefer %s) → %s', (accept, preferred, expected) => {
    expect(negotiate(accept, preferred)).toBe(expected)
  })
})

it('errorStatus takes numeric 4xx/5xx only', () => {
  expect(errorStatus(Object.assign(new Error(), { status: 404 }))).toBe(404)
  expect(errorStatus(Object.assign(new Error(), { code: 'ENOENT', statusCode: 502 }))).toBe(502)
  expect(errorStatus(Object.assign(new Error(), { status: 200 }))).toBe(500)
})

describe('placeCookies', () => {
  const result = () => ({ statusCode: 200, headers: { 'Set-Cookie': 'a=1' } as Record<string, string>, body: '' })
  it('v2: cookies[], duplicates kept, no multiValueHeaders left behind', () => {
    expect(placeCookies(result(), '2.0', ['b=2', 'a=1'])).toEqual({
      statusCode: 200,
      headers: {},
      body: '',
      cookies: ['a=1', 'b=2', 'a=1'],
    })
    const multi = { ...result(), multiValueHeaders: { 'set-cookie': ['c=3'] } }
    expect(placeCookies(multi, '2.0', [])).toEqual({ statusCode: 200, headers: {}, body: '', cookies: ['a=1', 'c=3'] })
  })
  it('v1: one cookie stays a header, several go to multiValueHeaders', () => {
    expect(placeCookies(result(), undefined, []).headers).toEqual({ 'set-cookie': 'a=1' })
    expect(placeCookies(result(), undefined, ['b=2']).multiValueHeaders).toEqual({ 'set-cookie': ['a=1', 'b=2'] })
  })
})

describe('parseBody', () => {
  it('throws InvalidBodyError for bad JSON', () => {
    expect(() => parseBody({ headers: { 'content-type': 'application/json' }, body: '{' })).toThrow(InvalidBodyError)
  })
  it('leaves an empty body alone', () => {
    expect(parseBody({ headers: { 'content-type': 'application/json' }, body: '' })).toBe('')
  })
})

it('shapeRequest does not modify the event', () => {
  const original = event()
  const copy = structuredClone(original)
  const req = shapeRequest(original)
  expect(original).toEqual(copy)
  expect(req).toMatchObject({ method: 'GET', path: '/', query: {}, params: {}, body: {}, resource: '/' })
})

describe('runChain', () => {
  const req = { ...shapeRequest(event()), session: {} } as ArcRequest
  it('callback style: next() then res()', async () => {
    const a = (_r: unknown, _res: unknown, next: () => void) => next()
    // an arrow returning its timer: only a plain object counts as an answer
    const b = (_r: unknown, res: (x: unknown) => void) => setTimeout(() => res({ text: 'cb' }), 0)
    expect((await runChain([a, b], req, {}, false)).response).toEqual({ text: 'cb' })
  })
  it('a returned request replaces the request', async () => {
    const replace = async () => ({ ...req, httpMethod: 'POST', extra: 1 })
    const read = async (r: ArcRequest) => ({ json: r.extra })
    expect((await runChain([replace, read], req, {}, true)).response).toEqual({ json: 1 })
  })
  it('errors thrown by a function propagate', async () => {
    await expect(
      runChain(
        [
          () => {
            throw new Error('boom')
          },
        ],
        req,
        {},
        false,
      ),
    ).rejects.toThrow('boom')
  })
})

describe('http()', () => {
  it('refuses non-functions and an empty chain', () => {
    const { http } = createArchitect({ env })
    expect(() => http('nope' as never)).toThrow(TypeError)
    expect(() => http()).toThrow(TypeError)
  })

  it('answers 503 when the store is down, and never writes an empty session', async () => {
    const down: SessionStore = {
      read: async () => {
        throw new SessionStoreUnavailableError('down')
      },
      write: async () => {
        throw new Error('must not write')
      },
      delete: async () => {},
    }
    const { http } = createArchitect({ env, store: down })
    let ran = false
    const result = await http(async () => {
      ran = true
      return { session: {}, text: 'x' }
    })(event('_idx=abc.def'))
    expect(result.statusCode).toBe(503)
    expect(ran).toBe(false)
  })

  it('works over any core store (memory): the id is kept across requests', async () => {
    const { http } = createArchitect({ env: {}, store: memoryStore(), onWarning: () => {} })
    const first = await http(async () => ({ session: { n: 1 }, text: 'ok' }))(event())
    const cookie = first.cookies![0]!.split(';')[0]!
    const second = await http(async (req) => ({ json: req.session }))(event(cookie))
    expect(JSON.parse(second.body)).toMatchObject({ n: 1, _idx: cookie.slice(5).split('.')[0], _ttl: expect.any(Number) })
  })

  it('builds the engine lazily, and reports a bad secret on every request', async () => {
    const { http } = createArchitect({ env: { ARC_SESSION_TABLE_NAME: 'jwe', ARC_APP_SECRET: 'short' } })
    const handler = http(async () => ({ text: 'x' }))
    await expect(handler(event())).rejects.toBeInstanceOf(SessionSecretError)
    await expect(handler(event())).rejects.toBeInstanceOf(SessionSecretError)
  })

  it('refuses chunked cookies: Architect reads one session cookie', async () => {
    const { http } = createArchitect({ env, store: cookieStore({ chunks: 4 }) })
    await expect(http(async () => ({ text: 'x' }))(event())).rejects.toThrow(/cannot use chunked cookies/)
  })
})

describe('session.write', () => {
  it('empty data gives a cookie that ends the session', async () => {
    const { session } = createArchitect({ env })
    expect(await session.write({})).toMatch(/^_idx=; Max-Age=0/)
  })
  it('refuses values that do not round-trip through JSON', async () => {
    const { session } = createArchitect({ env })
    await expect(session.write({ when: new Date() })).rejects.toMatchObject({ code: 'ERR_SESSION_NOT_SERIALIZABLE' })
  })
})
