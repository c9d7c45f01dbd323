/**
 * The intended differences from @architect/functions 8, each asserted against
 * the real package: Architect's known defects, fixed.
 */
import { gunzipSync } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import { SessionSecretError } from 'seshjs'
import { createArchitect, type ArcRequest } from 'seshjs/architect'
import { SECRET } from '../helpers.js'
import { loadArc, setEnv, type RealArc } from './arc.js'
import { v1, v2 } from './events.js'
import { allCookies, arcKey, decryptCookie } from './normalise.js'

const ENV = { ARC_SESSION_TABLE_NAME: 'jwe', ARC_APP_SECRET: SECRET, ARC_ENV: 'testing' }
const key = arcKey(SECRET)
let arc: RealArc
const sesh = createArchitect({ env: ENV })

beforeAll(() => {
  setEnv(ENV)
  arc = loadArc()
})

const pair = (setCookie: string) => setCookie.split(';')[0]!

describe('every Set-Cookie is sent (Architect lets the session cookie replace the others)', () => {
  const respond = async () => ({
    cookie: 'legacy=1; Path=/',
    headers: { 'set-cookie': 'header=1' },
    cookies: ['array=1'],
    session: { a: 1 },
    text: 'x',
  })
  it('v2: all in cookies[]', async () => {
    const a = await arc.http.async(respond)(v2())
    expect(allCookies(a).map((c) => c.split('=')[0])).toEqual(['_idx', 'array']) // legacy= and header= are lost
    const s = await sesh.http(respond)(v2())
    expect(s.headers['set-cookie']).toBeUndefined()
    expect(s.cookies!.map((c) => c.split('=')[0])).toEqual(['header', 'array', 'legacy', '_idx'])
    expect(await decryptCookie(s.cookies![3]!, key)).toMatchObject({ a: 1 })
  })
  it('v1: all in multiValueHeaders', async () => {
    const s = await sesh.http(respond)(v1())
    expect(s.multiValueHeaders!['set-cookie']!.map((c) => c.split('=')[0])).toEqual(['header', 'array', 'legacy', '_idx'])
    expect(s.headers['set-cookie']).toBeUndefined()
  })
})

describe('sync, async and callback functions mix (architect/functions#552)', () => {
  const syncAuth = (req: ArcRequest) => (req.session.user ? undefined : { location: '/login' })
  const asyncHandler = async (req: ArcRequest) => ({ json: { user: req.session.user } })
  it('Architect refuses a sync function after an async one', async () => {
    await expect(arc.http.async(async () => undefined, syncAuth as never)(v2())).rejects.toThrow('must be async')
  })
  it('sesh runs them in any order', async () => {
    expect((await sesh.http(syncAuth, asyncHandler)(v2())).headers.location).toBe('/login')
    expect((await sesh.http.async(async () => undefined, syncAuth)(v2())).statusCode).toBe(302)
    const cookie = pair(await sesh.session.write({ user: 'ada' }))
    expect(JSON.parse((await sesh.http(syncAuth, asyncHandler)(v1({ cookie }))).body)).toEqual({ user: 'ada' })
    // a Promise-returning plain function (transpiled async) counts too
    const transpiled = (req: ArcRequest) => Promise.resolve(req.session.user ? undefined : { status: 401 })
    expect((await sesh.http(transpiled, asyncHandler)(v2())).statusCode).toBe(401)
  })
})

it('a byte body with Accept-Encoding on v2 is compressed (Architect throws)', async () => {
  const respond = async () => ({ body: Buffer.from('bytes '.repeat(20)), type: 'text/plain' })
  const event = v2({ headers: { 'accept-encoding': 'gzip' } })
  await expect(arc.http.async(respond)(structuredClone(event))).rejects.toThrow(TypeError)
  const s = await sesh.http(respond)(event)
  expect(s).toMatchObject({ statusCode: 200, isBase64Encoded: true, headers: { 'content-encoding': 'gzip' } })
  expect(gunzipSync(Buffer.from(s.body, 'base64')).toString()).toBe('bytes '.repeat(20))
})

describe('error pages', () => {
  const fail = async () => new Error('<script>alert(1)</script> internal detail')
  it('production shows a generic message: no error message, no stack (Architect prints both)', async () => {
    setEnv({ ...ENV, ARC_ENV: 'production' })
    const a = await arc.http.async(fail)(v2())
    expect(a.body).toContain('internal detail')
    expect(a.body).toContain('differences.test.ts') // the stack
    setEnv(ENV)
    // an Architect app in production keeps its _idx cookie, decided: no cookie-tossing warning
    const production = createArchitect({ env: { ...ENV, ARC_ENV: 'production' }, cookie: { hostPrefix: false } })
    const s = await production.http(fail)(v2())
    expect(s.statusCode).toBe(500)
    expect(s.headers).toEqual(a.headers)
    expect(s.body).toContain('500 error')
    expect(s.body).toContain('Sorry, something went wrong.')
    expect(s.body).not.toContain('internal detail')
    expect(s.body).not.toContain('differences.test.ts')
    expect(s.body).not.toContain('<script>')
  })
  it('testing shows the message and the stack, escaped', async () => {
    const s = await sesh.http(fail)(v2())
    expect(s.body).toContain('internal detail')
    expect(s.body).toContain('differences.test.ts')
    expect(s.body).toContain('&lt;script&gt;')
  })
  it('a string code is not a status (Architect sends it as the status)', async () => {
    const fail = async () => Object.assign(new Error('x'), { code: 'ENOENT' })
    expect((await arc.http.async(fail)(v1())).statusCode).toBe('ENOENT')
    const s = await sesh.http(fail)(v1())
    expect(s.statusCode).toBe(500)
  })
})

it('no table name means cookie sessions (Architect silently turns sessions off)', async () => {
  const echo = async (req: ArcRequest) => ({ json: { session: req.session ?? 'none' } })
  setEnv({ ARC_APP_SECRET: SECRET })
  expect(JSON.parse((await arc.http.async(echo)(v2())).body)).toEqual({ session: 'none' })
  setEnv(ENV)
  const tableless = createArchitect({ env: { ARC_APP_SECRET: SECRET } })
  expect(JSON.parse((await tableless.http(echo)(v2())).body)).toEqual({ session: {} })
  const written = await tableless.http(async () => ({ session: { a: 1 }, text: 'ok' }))(v2())
  expect(await decryptCookie(written.cookies![0]!, key)).toMatchObject({ a: 1 })
})

describe('session: {} ends the session', () => {
  it('sesh expires the cookie (Architect writes an empty session)', async () => {
    const cookie = pair(await arc.http.session.write({ user: 'ada' }))
    const logout = async () => ({ session: {}, location: '/' })
    const a = await arc.http.async(logout)(v1({ cookie }))
    expect(await decryptCookie(a.headers['set-cookie']!, key)).toEqual({ iat: expect.any(Number) })
    const s = await sesh.http(logout)(v1({ cookie }))
    expect(s.headers['set-cookie']).toMatch(/^_idx=; Max-Age=0; Path=\/; Expires=[^;]+ GMT; HttpOnly; SameSite=Lax$/)
  })
  it('and sends nothing when there was no session', async () => {
    const s = await sesh.http(async () => ({ session: {}, location: '/' }))(v1())
    expect(allCookies(s)).toEqual([])
  })
})

it('callback style on REST: res() with no argument answers an empty 200 (Architect throws)', async () => {
  function handler(_req: unknown, res: () => void) {
    res()
  }
  const lambda = arc.http(handler) as unknown as (e: unknown, c: unknown, cb: () => void) => void
  expect(() => lambda(v1(), {}, () => {})).toThrow(SyntaxError) // JSON.parse(undefined), in its formatter
  const s = await sesh.http(handler as never)(v1())
  expect(s).toMatchObject({ statusCode: 200, body: '' })
})

it('invalid JSON is a 400 (Architect throws: a 500)', async () => {
  const event = v2({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' })
  const handler = async () => ({ text: 'never' })
  await expect(arc.http.async(handler)(structuredClone(event))).rejects.toThrow('Invalid request body')
  const s = await sesh.http(handler)(event)
  expect(s).toMatchObject({ statusCode: 400, body: 'Invalid request body encoding or invalid JSON' })
})

it('an unchanged session is not rewritten (renewed at most hourly)', async () => {
  const cookie = pair(await sesh.session.write({ n: 1 }))
  const same = async (req: ArcRequest) => ({ session: req.session, text: 'same' })
  const a = await arc.http.async(same)(v1({ cookie }))
  expect(a.headers['set-cookie']).toMatch(/^_idx=/)
  const s = await sesh.http(same)(v1({ cookie }))
  expect(allCookies(s)).toEqual([])
})

it('a session in use renews itself on read-only requests, at most hourly (Architect: 7 days after the last write)', async () => {
  const start = Date.now()
  let now = start
  const clocked = createArchitect({ env: ENV, now: () => now })
  const cookie = pair(await clocked.session.write({ n: 1 }))
  const read = async (req: ArcRequest) => ({ json: { n: req.session.n } })
  expect(allCookies(await clocked.http(read)(v2({ cookie })))).toEqual([]) // fresh: nothing to renew
  now = start + 2 * 60 * 60 * 1000
  const a = await arc.http.async(read)(v2({ cookie }))
  expect(allCookies(a)).toEqual([])
  const renewed = allCookies(await clocked.http(read)(v2({ cookie })))
  expect(renewed).toHaveLength(1)
  const payload = await decryptCookie(renewed[0]!, key)
  expect(payload).toMatchObject({ n: 1, iat: Math.floor(now / 1000) })
})

it('keys kept by the libraries (iat, _idx, _secret, _ttl, …) cannot be written by a handler (Architect writes them)', async () => {
  const write = async () => ({ session: { iat: 1, _idx: 'x', _ttl: 2, __flash: {}, user: 'ada' }, text: 'ok' })
  expect(await decryptCookie((await arc.http.async(write)(v1())).headers['set-cookie']!, key)).toMatchObject({ _idx: 'x', _ttl: 2 })
  const s = await sesh.http(write)(v1())
  const { iat, ...data } = await decryptCookie(s.headers['set-cookie']!, key)
  expect(data).toEqual({ user: 'ada' })
  expect(iat).toBeGreaterThan(1_700_000_000)
})

it('the cookie lasts the session lifetime (7 days), not 25 years', async () => {
  const s = await sesh.session.write({ a: 1 })
  expect(s).toContain('Max-Age=604800')
  expect(await arc.http.session.write({ a: 1 })).toContain('Max-Age=788400000')
})

describe('csrf', () => {
  it("Architect's tokens verify in sesh; sesh's are its own, domain-separated from the id signatures", () => {
    expect(sesh.csrf.verify(arc.http.csrf.create())).toBe(true)
    expect(sesh.csrf.verify(arc.http.csrf.create('abc'), 'abc')).toBe(true)
    const ours = sesh.csrf.create()
    expect(sesh.csrf.verify(ours)).toBe(true)
    expect(arc.http.csrf.verify(ours)).toBe(false) // an intended difference (docs/architect.md)
    expect(sesh.csrf.create('abc', 4_102_444_800_000)).not.toContain('abc') // a bound token does not carry its value
    // Architect's token over an id-shaped value is that id's cookie signature: refused
    const overId = arc.http.csrf.create('VDplXe5Jmc-mMyOIn3DQae6v')
    expect(sesh.csrf.verify(overId)).toBe(false)
    expect(arc.http.csrf.verify(overId)).toBe(true)
  })
  it('refuses tampered, expired and malformed tokens (without throwing)', () => {
    const [kind, nonce, ts, sig] = sesh.csrf.create().split('.')
    expect(sesh.csrf.verify(`${kind}.${nonce}.${ts}.${sig!.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))}`)).toBe(false)
    expect(sesh.csrf.verify(`${kind}.${nonce!.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))}.${ts}.${sig}`)).toBe(false)
    expect(sesh.csrf.verify(sesh.csrf.create(undefined, Date.now() - 1))).toBe(false)
    expect(sesh.csrf.verify(arc.http.csrf.create('abc', Date.now() - 1))).toBe(false)
    for (const bad of [undefined, 42, '', 'a.b', 'a.notanumber.c', `${kind}.${nonce}.${ts}.${sig}.extra`])
      expect(sesh.csrf.verify(bad)).toBe(false)
  })
  it('follows an injected clock', () => {
    let now = 1_000_000
    const clocked = createArchitect({ env: ENV, now: () => now })
    const token = clocked.csrf.create()
    expect(token.split('.')[2]).toBe(String(1_000_000 + 300_000))
    now += 300_001
    expect(clocked.csrf.verify(token)).toBe(false)
  })
})

it('no secret in production is an error (Architect silently seals with its public default key)', async () => {
  setEnv({ ARC_SESSION_TABLE_NAME: 'jwe', ARC_ENV: 'production' })
  try {
    const a = await arc.http.async(async () => ({ session: { user: 'ada' }, text: 'x' }))(v1())
    expect(await decryptCookie(a.headers['set-cookie']!, arcKey('12345678901234567890123456789012'))).toMatchObject({ user: 'ada' })
    const production = createArchitect()
    await expect(production.http(async () => ({ text: 'x' }))(v1())).rejects.toThrow(SessionSecretError)
  } finally {
    setEnv(ENV)
  }
})

it('Content-Encoding given in that casing is kept, as content-encoding (Architect drops it)', async () => {
  const respond = async () => ({ headers: { 'Content-Encoding': 'br' }, body: 'already-compressed', type: 'text/plain' })
  const a = await arc.http.async(respond)(v2())
  expect(Object.keys(a.headers).map((k) => k.toLowerCase())).not.toContain('content-encoding')
  expect((await sesh.http(respond)(v2())).headers['content-encoding']).toBe('br')
})

it('Accept-Encoding without spaces is understood (Architect splits on ", " only)', async () => {
  const respond = async () => ({ html: '<p>' + 'compress me '.repeat(50) + '</p>' })
  const event = v2({ headers: { 'accept-encoding': 'gzip,br' } })
  expect((await arc.http.async(respond)(structuredClone(event))).headers['content-encoding']).toBeUndefined()
  expect((await sesh.http(respond)(event)).headers['content-encoding']).toBe('br')
})

it('the event is not modified (Architect adds session, body, params… to it)', async () => {
  const handler = async () => ({ text: 'x' })
  const theirs = v2()
  await arc.http.async(handler)(theirs)
  expect(theirs).toHaveProperty('session')
  const ours = v2()
  const copy = structuredClone(ours)
  await sesh.http(handler)(ours)
  expect(ours).toEqual(copy)
})

it('a callback-style function may answer by returning a response (Architect never answers)', async () => {
  function handler(_req: unknown, _res: unknown, _next: unknown) {
    return { text: 'returned' }
  }
  const answered = await new Promise((resolve) => {
    const lambda = arc.http(handler) as unknown as (e: unknown, c: unknown, cb: () => void) => void
    lambda(v2(), {}, () => resolve(true))
    setTimeout(() => resolve(false), 200)
  })
  expect(answered).toBe(false)
  expect((await sesh.http(handler as never)(v2())).body).toBe('returned')
})
