/**
 * Differential tests: the same handlers, run through the real `arc.http`
 * (@architect/functions 8) and sesh's `http`, with the same v1 and v2 events,
 * must give the same status, headers and body, and session cookies with the
 * same decrypted content.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createArchitect, type ArcEvent, type ArcRequest, type ArcResult } from 'seshjs/architect'
import { SECRET } from '../helpers.js'
import { loadArc, setEnv, type RealArc } from './arc.js'
import { b64, v1, v2, type EventInit } from './events.js'
import { allCookies, arcKey, decryptCookie, normalise } from './normalise.js'

const ENV = { ARC_SESSION_TABLE_NAME: 'jwe', ARC_APP_SECRET: SECRET, ARC_ENV: 'testing' }
const key = arcKey(SECRET)
let arc: RealArc
const sesh = createArchitect({ env: ENV })

beforeAll(() => {
  setEnv(ENV)
  arc = loadArc()
})

type Handler = (req: ArcRequest) => Promise<unknown>

async function both(fns: Handler[], event: ArcEvent): Promise<[ArcResult, ArcResult]> {
  const arcResult = await arc.http.async(...fns)(structuredClone(event), {})
  const seshResult = await sesh.http(...fns)(structuredClone(event), {})
  return [arcResult, seshResult]
}

async function expectSame(fns: Handler[], event: ArcEvent) {
  const [a, s] = await both(fns, event)
  expect(await normalise(s, key)).toEqual(await normalise(a, key))
  return [a, s] as const
}

const versions = [
  ['v1', v1],
  ['v2', v2],
] as const

const echo: Handler = async (req) => ({
  json: {
    method: req.method,
    httpMethod: req.httpMethod,
    path: req.path,
    resource: req.resource ?? null,
    query: req.query,
    params: req.params,
    body: req.body,
    rawBody: req.rawBody ?? null,
    session: req.session,
  },
})

const bodies: [string, EventInit][] = [
  ['no body', { method: 'GET', path: '/things/1', route: '/things/{id}', params: { id: '1' }, query: { q: 'x' } }],
  ['JSON', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1,"b":[true,null]}' }],
  [
    'JSON, base64',
    { method: 'POST', headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: b64('{"a":"é"}'), isBase64Encoded: true },
  ],
  ['vnd.api+json', { method: 'POST', headers: { 'content-type': 'application/vnd.api+json' }, body: '{"data":{}}' }],
  [
    'form, base64',
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: b64('a=1&b=two&b=three&c=%C3%A9+x'),
      isBase64Encoded: true,
    },
  ],
  ['form, plain', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1&b=2' }],
  ['text, base64', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: b64('hello\nworld'), isBase64Encoded: true }],
  ['xml, base64', { method: 'PUT', headers: { 'content-type': 'application/xml' }, body: b64('<a>1</a>'), isBase64Encoded: true }],
  [
    'multipart, base64',
    { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: b64('--x--'), isBase64Encoded: true },
  ],
  [
    'octet-stream, base64',
    { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: b64('\u0000\u0001'), isBase64Encoded: true },
  ],
  ['unknown type', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a,b' }],
  ['no content type', { method: 'POST', body: 'raw' }],
]

describe.each(versions)('request shaping and body parsing (%s)', (_, make) => {
  it.each(bodies)('%s', async (_name, init) => {
    await expectSame([echo], make(init))
  })

  it('path placeholders are filled from params', async () => {
    const init = { path: '/things/{id}', route: '/things/{id}', params: { id: '42' } }
    await expectSame([echo], make(init))
  })

  it('an incoming Architect session is read alike (with iat)', async () => {
    const cookie = (await arc.http.session.write({ user: 'ada', n: 1 })).split(';')[0]!
    const [, s] = await expectSame([echo], make({ cookie: `other=1; ${cookie}` }))
    expect(JSON.parse(s.body).session).toMatchObject({ user: 'ada', n: 1, iat: expect.any(Number) })
  })
})

const shapes: [string, unknown][] = [
  ['html', { html: '<p>hi</p>' }],
  ['css', { css: 'p{}' }],
  ['js', { js: 'alert(1)' }],
  ['text', { text: 'plain' }],
  ['json', { json: { a: [1, 2] } }],
  ['xml', { xml: '<a/>' }],
  ['html wins over json', { json: { a: 1 }, html: '<p/>' }],
  ['body + type', { body: 'a,b', type: 'text/csv' }],
  ['statusCode', { statusCode: 201, body: '{}' }],
  ['status', { status: 404, html: 'not found' }],
  ['code', { code: 418, text: 'teapot' }],
  ['location', { location: '/next' }],
  ['location + status', { location: '/next', status: 303 }],
  ['cacheControl', { cacheControl: 'max-age=60', text: 'x' }],
  ['default cache for other types', { body: 'x', type: 'text/csv' }],
  ['cors', { cors: true, json: [] }],
  ['cased headers', { headers: { 'Cache-Control': 'private', 'Content-Type': 'text/csv', 'X-Thing': '1' }, body: 'a' }],
  ['lower-case content-type beats html', { headers: { 'content-type': 'text/x-custom' }, html: '<p/>' }],
  ['binary type', { type: 'image/png', body: b64('png-bytes') }],
  ['isBase64Encoded', { body: b64('bytes'), isBase64Encoded: true, type: 'text/plain' }],
  ['multiValueHeaders', { multiValueHeaders: { 'x-a': ['1', '2'] }, body: '' }],
  ['legacy cookie', { cookie: 'a=1; Path=/', html: 'x' }],
  ['a string', 'hello'],
  ['an object', { hello: 'world' }],
  ['an array', [1, 2]],
  ['a number', 42],
  ['session write', { session: { user: 'ada', n: 1 }, location: '/' }],
  ['session write with json', { session: { list: [1, { a: null }] }, json: { ok: true } }],
]

describe.each(versions)('response shapes (%s)', (_, make) => {
  it.each(shapes)('%s', async (_name, shape) => {
    await expectSame([async () => structuredClone(shape)], make())
  })

  it('session carried forward through req.session', async () => {
    const cookie = (await arc.http.session.write({ n: 1 })).split(';')[0]!
    const handler: Handler = async (req) => ({ session: { ...req.session, n: (req.session.n as number) + 1 }, location: '/' })
    const [, s] = await expectSame([handler], make({ cookie }))
    expect((await normalise(s, key)).sessions[0]!.data).toEqual({ n: 2 })
  })

  it('middleware: pass, replace the request, stop early', async () => {
    const pass: Handler = async () => undefined
    const replace: Handler = async (req) => ({ ...req, user: 'grace' })
    const use: Handler = async (req) => ({ json: { user: (req as ArcRequest & { user: string }).user } })
    await expectSame([pass, replace, use], make())
    const stop: Handler = async () => ({ location: '/login' })
    await expectSame([stop, use], make())
  })

  it('a returned Error gives the same status and headers (the page differs, see intended differences)', async () => {
    const error = Object.assign(new Error('nope'), { status: 403 })
    const [a, s] = await both([async () => error], make())
    expect(s.statusCode).toBe(a.statusCode)
    expect(s.headers).toEqual(a.headers)
    expect(s.body).toContain('403 error')
    expect(a.body).toContain('403 error')
  })
})

describe('compression (v2)', () => {
  const big = { html: '<p>' + 'compress me '.repeat(50) + '</p>' }
  it.each([
    ['br preferred', 'gzip, deflate, br', big],
    ['gzip', 'gzip, deflate', big],
    ['compression: gzip chosen', 'br, gzip', { ...big, compression: 'gzip' }],
    ['compression: false', 'br', { ...big, compression: false }],
    ['given content-encoding', 'br', { body: 'x', headers: { 'content-encoding': 'identity' } }],
  ])('%s', async (_name, accept, shape) => {
    const [, s] = await expectSame([async () => structuredClone(shape)], v2({ headers: { 'accept-encoding': accept } }))
    expect(s.statusCode).toBe(200)
  })

  it('REST (v1) events are never compressed', async () => {
    await expectSame([async () => big], v1({ headers: { 'accept-encoding': 'br' } }))
  })
})

describe('no response', () => {
  it('v2: both answer an empty 200', async () => {
    await expectSame([async () => undefined], v2())
  })
  it('v1: both throw', async () => {
    const fn = async () => undefined
    await expect(arc.http.async(fn)(v1())).rejects.toThrow('Finished all functions without returning a response.')
    await expect(sesh.http(fn)(v1())).rejects.toThrow('Finished all functions without returning a response.')
  })
})

describe('callback style (arc.http without async)', () => {
  it.each(versions)('res() and next() (%s)', async (_, make) => {
    function auth(_req: unknown, _res: unknown, next: () => void) {
      next()
    }
    function handler(req: ArcRequest, res: (r: unknown) => void) {
      setTimeout(() => res({ session: { via: 'callback' }, json: { path: req.path } }), 1)
    }
    const a = await new Promise<ArcResult>((resolve, reject) => {
      const lambda = arc.http(auth, handler) as unknown as (e: ArcEvent, c: unknown, cb: (err: unknown, r: ArcResult) => void) => void
      lambda(make(), {}, (err, r) => (err ? reject(err) : resolve(r)))
    })
    const s = await sesh.http(auth, handler as never)(make())
    expect(await normalise(s, key)).toEqual(await normalise(a, key))
  })
})

/** Runs a Lambda handler the way Lambda runs a callback-style one: with a callback, resolving with what it is given. */
function viaCallback(lambda: unknown, event: ArcEvent): Promise<ArcResult> {
  return new Promise<ArcResult>((resolve, reject) => {
    const fn = lambda as (e: ArcEvent, c: unknown, cb: (err: unknown, r?: ArcResult) => void) => unknown
    fn(event, {}, (err, r) => (err ? reject(err) : resolve(r!)))
  })
}

/** The same handler, in Architect's async style and in its callback style, answering `response`. */
const styles = [
  ['async', (response: () => unknown) => [async () => response()]],
  [
    'callback',
    (response: () => unknown) => [
      function handler(_req: unknown, res: (r: unknown) => void) {
        res(response())
      },
    ],
  ],
] as const

async function bothStyles(style: (typeof styles)[number][0], fns: unknown[], event: ArcEvent): Promise<[ArcResult, ArcResult]> {
  if (style === 'async')
    return [
      await arc.http.async(...(fns as Handler[]))(structuredClone(event), {}),
      await sesh.http(...(fns as Handler[]))(structuredClone(event), {}),
    ]
  return [
    await viaCallback(arc.http(...(fns as Handler[])), structuredClone(event)),
    await viaCallback(sesh.http(...(fns as Handler[])), structuredClone(event)),
  ]
}

/** Attribute names of a Set-Cookie, in order. */
const attributeNames = (setCookie: string) =>
  setCookie
    .split(';')
    .slice(1)
    .map((a) => a.trim().split('=')[0]!.toLowerCase())

describe.each(versions)('faithful to Architect 8.1.10 (%s)', (version, make) => {
  describe.each(styles)('%s style', (style, handlerOf) => {
    const OTHER_SECRET = 'another-secret-of-forty-characters-0123'
    const foreign = async () =>
      (await createArchitect({ env: { ...ENV, ARC_APP_SECRET: OTHER_SECRET } }).session.write({ a: 1 })).split(';')[0]!
    const cases: [string, () => Promise<string>, Record<string, string>][] = [
      ['garbage', async () => '_idx=garbage', {}],
      ['a token sealed with another secret', foreign, {}],
      ['garbage, with a handler cookie', async () => '_idx=garbage', { cookie: 'a=1; Path=/' }],
    ]
    it.each(cases)(
      'an _idx cookie that does not open, and no session written: no Set-Cookie of ours (%s)',
      async (_name, cookieOf, extra) => {
        const cookie = await cookieOf()
        const [a, s] = await bothStyles(
          style,
          handlerOf(() => ({ text: 'read only', ...extra })),
          make({ cookie }),
        )
        expect(allCookies(s)).toEqual(allCookies(a))
        // v2 sends every Set-Cookie in cookies[] (intended difference 1); REST keeps a lone one a header, as Architect
        if (version === 'v1') expect(s).toEqual(a)
        else expect(await normalise(s, key)).toEqual(await normalise(a, key))
      },
    )

    it('a cookie Architect wrote with another secret is kept: nothing is sent', async () => {
      const cookie = (await arc.http.session.write({ user: 'ada' })).split(';')[0]!
      const other = createArchitect({ env: { ...ENV, ARC_APP_SECRET: 'another-secret-of-forty-characters-0123' } })
      const s = await other.http(async () => ({ text: 'x' }))(make({ cookie }))
      expect(allCookies(s)).toEqual([])
    })

    it('duplicate cookies are all sent', async () => {
      const response = () =>
        version === 'v2'
          ? { text: 'x', cookies: ['a=1; Secure', 'a=1; Secure'] }
          : { text: 'x', multiValueHeaders: { 'set-cookie': ['a=1; Secure', 'a=1; Secure'] } }
      const [a, s] = await bothStyles(style, handlerOf(response), make())
      expect(s).toEqual(a)
    })

    it('the session cookie carries Expires beside Max-Age, in the same place', async () => {
      const [a, s] = await bothStyles(
        style,
        handlerOf(() => ({ session: { n: 1 }, text: 'x' })),
        make(),
      )
      const [ours] = allCookies(s)
      const [theirs] = allCookies(a)
      expect(attributeNames(ours!)).toEqual(attributeNames(theirs!))
      const maxAge = Number(/Max-Age=(\d+)/.exec(ours!)![1])
      const expires = Date.parse(/Expires=([^;]+)/.exec(ours!)![1]!)
      expect(Math.abs(expires - (Date.now() + maxAge * 1000))).toBeLessThan(5000)
    })

    it('no multiValueHeaders appears that Architect does not send', async () => {
      for (const response of [{ session: { n: 1 }, text: 'x' }, { text: 'x', cookie: 'a=1' }, { text: 'x' }]) {
        const [a, s] = await bothStyles(
          style,
          handlerOf(() => structuredClone(response)),
          make(),
        )
        if (version === 'v2') expect(s.multiValueHeaders).toBeUndefined()
        expect('multiValueHeaders' in s).toBe('multiValueHeaders' in a)
      }
    })

    it.each([
      ['above U+00FF in another cookie', 'a=\u0100b'],
      ['a euro sign', 'a=\u20ac'],
      ['a control character', 'a=\u0001'],
      ['DEL', 'a=\u007f'],
      ['above U+00FF in _idx', '_idx=\u0100\u20ac'],
      ['a control character in _idx', '_idx=x\u0001y'],
    ])('a cookie header with %s: answered, never thrown', async (_name, cookie) => {
      const [a, s] = await bothStyles(
        style,
        handlerOf(() => ({ json: { ok: true } })),
        make({ cookie }),
      )
      expect(s.statusCode).toBe(200)
      expect(s).toEqual(a)
    })
  })

  it('callback style: the handler answers through the callback and returns a Promise of the same result', async () => {
    function handler(req: ArcRequest, res: (r: unknown) => void) {
      setTimeout(() => res({ json: { path: req.path } }), 1)
    }
    const lambda = sesh.http(handler as never)
    let viaCb: ArcResult | undefined
    const promised = await lambda(make(), {}, (err, r) => {
      expect(err).toBeNull()
      viaCb = r
    })
    expect(viaCb).toEqual(promised)
    expect(promised).toEqual(await viaCallback(arc.http(handler), make()))
  })

  it('callback style: an error reaches the callback (and rejects the Promise)', async () => {
    function handler(_req: unknown, res: (r: unknown) => void) {
      res({ session: { n: 1 }, text: 'x' })
    }
    const broken = createArchitect({ env: { ...ENV, ARC_APP_SECRET: 'short' } })
    let error: unknown
    const promised = broken.http(handler as never)(make(), {}, (err) => {
      error = err
    })
    await expect(promised).rejects.toThrow()
    expect(error).toBeInstanceOf(Error)
  })

  it('async style ignores the callback, as Architect does', async () => {
    let called = false
    const result = await sesh.http(async () => ({ text: 'x' }))(make(), {}, () => {
      called = true
    })
    expect(result.body).toBe('x')
    expect(called).toBe(false)
  })
})

it("callback style on v2: res() with no argument gives Architect's empty body", async () => {
  function handler(_req: unknown, res: () => void) {
    res()
  }
  const a = await viaCallback(arc.http(handler), v2())
  const s = await viaCallback(sesh.http(handler as never), v2())
  expect(s).toEqual(a)
  expect(s.body).toBe('')
})

describe('ARC_* changes between calls are seen, as Architect re-reads them', () => {
  // process.env, as the module's own http; the _idx cookie kept, decided (no cookie-tossing warning in staging)
  const live = createArchitect({ cookie: { hostPrefix: false } })
  const write = async () => ({ session: { n: 1 }, text: 'x' })
  afterEach(() => setEnv(ENV))

  it.each([
    ['ARC_SESSION_SAME_SITE', { ARC_SESSION_SAME_SITE: 'strict' }, /SameSite=Strict/],
    ['ARC_SESSION_DOMAIN', { ARC_SESSION_DOMAIN: 'example.com' }, /Domain=example\.com/],
    ['ARC_ENV', { ARC_ENV: 'staging' }, /Secure/],
  ] as const)('%s', async (_name, change, expected) => {
    const before = allCookies(await live.http(write)(v2()))[0]!
    expect(before).not.toMatch(expected)
    setEnv({ ...ENV, ...change })
    const [a, s] = [allCookies(await arc.http.async(write)(v2()))[0]!, allCookies(await live.http(write)(v2()))[0]!]
    expect(a).toMatch(expected)
    expect(s).toMatch(expected)
    setEnv(ENV)
    expect(allCookies(await live.http(write)(v2()))[0]!).not.toMatch(expected)
  })

  it('ARC_APP_SECRET: the new secret seals, and switching back reuses the first engine', async () => {
    const other = 'another-secret-of-forty-characters-0123'
    setEnv({ ...ENV, ARC_APP_SECRET: other })
    const sealed = allCookies(await live.http(write)(v2()))[0]!
    expect(await decryptCookie(sealed, arcKey(other))).toMatchObject({ n: 1 })
    expect(await arc.http.session.read({ headers: { cookie: sealed.split(';')[0] } })).toMatchObject({ n: 1 })
    setEnv(ENV)
    const again = allCookies(await live.http(write)(v2()))[0]!
    expect(await decryptCookie(again, key)).toMatchObject({ n: 1 })
  })
})

it.each(versions)("ARC_APP_SECRET_ALGO=foo: both reject every request with a ReferenceError, Architect's message (%s)", async (_, make) => {
  setEnv({ ...ENV, ARC_APP_SECRET_ALGO: 'foo' })
  try {
    const live = createArchitect()
    const handler = async () => ({ text: 'never' })
    for (let i = 0; i < 2; i++) {
      const a = await arc.http
        .async(handler)(make())
        .catch((error: unknown) => error)
      const s = await live
        .http(handler)(make())
        .catch((error: unknown) => error)
      expect(a).toBeInstanceOf(ReferenceError)
      expect(s).toBeInstanceOf(ReferenceError)
      const start = 'Invalid token algorithm, must be one of: A256GCM, A192GCM, A128GCM'
      expect((a as Error).message.startsWith(start)).toBe(true)
      expect((s as Error).message.startsWith(start)).toBe(true)
    }
  } finally {
    setEnv(ENV)
  }
})
