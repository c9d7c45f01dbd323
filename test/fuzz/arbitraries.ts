/**
 * The generators and helpers of the fuzz targets (test/fuzz/*.test.ts).
 *
 * Fuzzing at scale, in-process: every target runs SESH_FUZZ_RUNS cases
 * (10,000 by default; set it higher for a soak). Zero throws into user code,
 * zero 500s.
 *
 * Targets: cookie headers (cookie and memory stores); chunked cookie sets
 * (real chunks shuffled, dropped, duplicated, mixed with another secret's and
 * with arbitrary `_idx.N` cookies); JWE tokens sealed with
 * the real key but arbitrary protected headers and payloads; signed ids with
 * valid signatures over arbitrary ids; Lambda events (REST v1, HTTP v2,
 * Function URL, ALB) with arbitrary headers, cookies, bodies and base64
 * flags; Architect request bodies (JSON, form, text, base64) through
 * `seshjs/architect`'s `http()`.
 */
import fc from 'fast-check'
import { base64url } from 'jose'
import { expect } from 'vitest'
import { cookieStore, createSessions, memoryStore, type Session, type Sessions } from 'seshjs'
import type { ArcEvent } from 'seshjs/architect'
import type { LambdaHttpEvent } from 'seshjs/lambda'
import { jweKeyBytes } from '../../src/crypto/keyring.js'
import { SECRET } from '../helpers.js'

/** Cases per target: 10,000 in `npm test`, SESH_FUZZ_RUNS for a soak. */
export const RUNS = Number(process.env.SESH_FUZZ_RUNS ?? 10_000)
export const params = { numRuns: RUNS, endOnFailure: true }
export const quiet = { onWarning() {} }

export const engines = {
  cookie: createSessions({ secret: SECRET, ...quiet }),
  memory: createSessions({ secret: SECRET, store: memoryStore({ maxEntries: 1000 }), ...quiet }),
}

/** Loads and reads everything; with `write`, also writes and commits. Nothing may throw. */
export async function exercise(engine: Sessions, request: Request, write: boolean): Promise<Session> {
  const session = await engine.load(request)
  const data = await session.all()
  expect(data !== null && typeof data === 'object' && !Array.isArray(data)).toBe(true)
  await session.get('count')
  if (write) session.set('count', 1)
  await engine.commit(session, new Response('ok'))
  return session
}

/** Writes (sealing, signing) cost more than reads and are not what is fuzzed: one case in eight writes. */
export const sometimes = fc.nat(7).map((n) => n === 0)

export function requestWith(cookie: string): Request | undefined {
  try {
    return new Request('http://localhost/', { headers: { cookie } })
  } catch {
    return undefined // not a valid header value at all: no runtime would deliver it
  }
}

// ── cookie headers ────────────────────────────────────────────────────────────
export const tokenish = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.array(fc.base64String({ maxLength: 80 }), { minLength: 1, maxLength: 6 }).map((parts) => parts.join('.')),
  fc.tuple(fc.stringMatching(/^[A-Za-z0-9_-]{0,140}$/), fc.base64String({ maxLength: 60 })).map(([id, sig]) => `${id}.${sig}`),
  fc.string({ unit: 'grapheme', maxLength: 60 }).map(encodeURIComponent),
)
export const cookieHeader = fc.oneof(
  tokenish.map((value) => `_idx=${value}`),
  fc.tuple(tokenish, tokenish).map(([a, b]) => `_idx=${a}; other=1; _idx=${b}`),
  fc.tuple(fc.string({ maxLength: 20 }), tokenish).map(([name, value]) => `${name}=${value}; _idx`),
  fc.string({ unit: 'binary', maxLength: 500 }),
)

// ── chunked cookie sets ───────────────────────────────────────────────────────
/** An engine whose cookie store splits sessions over up to four cookies. */
export const chunkedEngine = createSessions({ secret: SECRET, store: cookieStore({ chunks: 4 }), ...quiet })
const foreignChunked = createSessions({ secret: 'zyxwvutsrqponmlkjihgfedcba9876543210', store: cookieStore({ chunks: 4 }), ...quiet })

/** The genuine session's data: about 10 KB, four cookies. */
export const CHUNKED_BLOB = Array.from({ length: 2000 }, (_, i) => ((i * 2654435761) >>> 0).toString(36))
  .join('')
  .slice(0, 10_000)

async function chunkPairs(engine: Sessions): Promise<Array<[string, string]>> {
  const session = engine.open(undefined)
  session.set('blob', CHUNKED_BLOB)
  const saved = await engine.saveCookie(session)
  return saved!.headers.map((header) => {
    const pair = header.split(';')[0]!
    return [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]
  })
}

/** The genuine session's cookies, and another secret's. */
export const chunkSets = Promise.all([chunkPairs(chunkedEngine), chunkPairs(foreignChunked)])

/**
 * A `Cookie` header of chunk cookies, given the genuine and the foreign sets:
 * the genuine set whole (shuffled, with noise after it), or pieces of both
 * under any chunk name, stray `_idx.N`, counts that lie, and arbitrary values.
 */
export function chunkedHeader(genuine: Array<[string, string]>, foreign: Array<[string, string]>) {
  const chunkIndex = fc.nat(genuine.length - 1)
  const anyName = fc.oneof(
    chunkIndex.map((i) => genuine[i]![0]),
    fc.nat(60).map((n) => (n === 0 ? '_idx' : `_idx.${n}`)),
    fc.constantFrom('_idx.01', '_idx.-1', '_idx.', '_idx.1x', 'x_idx.1'),
  )
  const anyValue = fc.oneof(
    chunkIndex.map((i) => genuine[i]![1]),
    chunkIndex.map((i) => foreign[i]![1]),
    fc.tuple(fc.integer({ min: -1, max: 60 }), tokenish).map(([n, rest]) => `${n}~${rest}`),
    tokenish,
  )
  const piece = fc.tuple(anyName, anyValue).map(([name, value]) => `${name}=${value}`)
  const noise = fc.array(piece, { maxLength: 4 })
  return fc.oneof(
    fc
      .tuple(fc.shuffledSubarray(genuine, { minLength: genuine.length, maxLength: genuine.length }), noise)
      .map(([pairs, extra]) => [...pairs.map(([n, v]) => `${n}=${v}`), ...extra.filter((p) => /^(?!_idx(\.[123])?=)/.test(p))].join('; ')),
    fc.array(piece, { maxLength: 8 }).map((pieces) => pieces.join('; ')),
    fc
      .tuple(fc.shuffledSubarray([...genuine, ...foreign]), noise)
      .map(([pairs, extra]) => [...pairs.map(([n, v]) => `${n}=${v}`), ...extra].join('; ')),
  )
}

// ── JWE tokens: the real key, arbitrary protected headers and payloads ────────
const encoder = new TextEncoder()
const aesKey = crypto.subtle.importKey('raw', jweKeyBytes(SECRET, 'A256GCM'), 'AES-GCM', false, ['encrypt'])

export async function jwe(header: string, payload: Uint8Array<ArrayBuffer>): Promise<string> {
  const protectedHeader = base64url.encode(header)
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: encoder.encode(protectedHeader), tagLength: 128 },
      await aesKey,
      payload,
    ),
  )
  const ciphertext = sealed.slice(0, -16)
  const tag = sealed.slice(-16)
  return [protectedHeader, '', base64url.encode(iv), base64url.encode(ciphertext), base64url.encode(tag)].join('.')
}

export const jsonValue = fc.jsonValue({ maxDepth: 3 })
export const headerText = fc.oneof(
  fc.constant(JSON.stringify({ alg: 'dir', enc: 'A256GCM' })),
  fc
    .record(
      {
        alg: fc.oneof(fc.constant('dir'), fc.string({ maxLength: 10 }), jsonValue),
        enc: fc.oneof(fc.constantFrom('A256GCM', 'A128GCM', 'A128CBC-HS256'), fc.string({ maxLength: 10 }), jsonValue),
        zip: fc.oneof(fc.constant('DEF'), jsonValue),
        crit: fc.oneof(fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }), jsonValue),
        kid: jsonValue,
        b64: fc.boolean(),
        __proto__: jsonValue,
        p2c: fc.integer(),
      },
      { requiredKeys: [] },
    )
    .map((header) => JSON.stringify({ alg: 'dir', enc: 'A256GCM', ...header })),
  fc.string({ maxLength: 100 }),
  jsonValue.map((value) => JSON.stringify(value)),
)
const nowSeconds = Math.floor(Date.now() / 1000)
export const payloadBytes = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }).map((text) => encoder.encode(text)),
  jsonValue.map((value) => encoder.encode(JSON.stringify(value))),
  fc
    .tuple(
      fc.dictionary(
        fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('__proto__', 'constructor', '__flash', 'iat', '_created', 'toString')),
        jsonValue,
        { maxKeys: 6 },
      ),
      fc.oneof(fc.constant(nowSeconds), fc.integer(), fc.double(), jsonValue),
      fc.option(fc.oneof(fc.integer(), jsonValue)),
    )
    .map(([data, iat, created]) => {
      const body = JSON.stringify({ ...data, iat, ...(created === null ? {} : { _created: created }) })
      return encoder.encode(body.replace('"___proto__"', '"__proto__"'))
    }),
)

// ── Lambda events ─────────────────────────────────────────────────────────────
const headerName = fc.oneof(
  fc.constantFrom(
    'cookie',
    'Cookie',
    'content-type',
    'host',
    'x-forwarded-proto',
    'accept',
    'content-length',
    'transfer-encoding',
    'x-forwarded-for',
  ),
  fc.string({ maxLength: 12 }),
)
const headerValue = fc.oneof(fc.string({ maxLength: 60 }), cookieHeader, fc.string({ unit: 'binary', maxLength: 40 }))
export const headers = fc.dictionary(headerName, headerValue, { maxKeys: 6 })
const multiHeaders = fc.dictionary(headerName, fc.array(headerValue, { maxLength: 3 }), { maxKeys: 5 })
const body = fc.option(
  fc.oneof(fc.string({ maxLength: 200 }), fc.base64String({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 100 })),
)
const method = fc.oneof(fc.constantFrom('GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'get'), fc.string({ maxLength: 8 }))
const path = fc.oneof(
  fc.constantFrom('/', '/count', '/reset', '/missing'),
  fc.string({ maxLength: 30 }).map((p) => `/${p}`),
  fc.string({ maxLength: 20 }),
)
const query = fc.option(fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 12 }), { maxKeys: 3 }))

export const v1Event = fc
  .record({ httpMethod: method, path, headers, multiValueHeaders: fc.option(multiHeaders), query, body, isBase64Encoded: fc.boolean() })
  .map(
    (e): LambdaHttpEvent => ({
      httpMethod: e.httpMethod,
      path: e.path,
      resource: e.path,
      headers: e.headers,
      multiValueHeaders: e.multiValueHeaders,
      queryStringParameters: e.query,
      multiValueQueryStringParameters: e.query && Object.fromEntries(Object.entries(e.query).map(([k, v]) => [k, [v]])),
      body: e.body,
      isBase64Encoded: e.isBase64Encoded,
      requestContext: { domainName: 'example.com' },
    }),
  )
export const v2Event = (functionUrl: boolean) =>
  fc
    .record({
      method,
      rawPath: path,
      rawQueryString: fc.string({ maxLength: 30 }),
      cookies: fc.option(
        fc.array(
          fc.oneof(
            tokenish.map((t) => `_idx=${t}`),
            fc.string({ maxLength: 40 }),
          ),
          { maxLength: 4 },
        ),
        { nil: undefined },
      ),
      headers,
      body: fc.option(
        body.map((b) => b ?? ''),
        { nil: undefined },
      ),
      isBase64Encoded: fc.boolean(),
    })
    .map(
      (e): LambdaHttpEvent => ({
        version: '2.0',
        rawPath: e.rawPath,
        rawQueryString: e.rawQueryString,
        ...(e.cookies ? { cookies: e.cookies } : {}),
        headers: e.headers,
        ...(e.body === undefined ? {} : { body: e.body }),
        isBase64Encoded: e.isBase64Encoded,
        requestContext: {
          domainName: functionUrl ? 'abc.lambda-url.us-east-1.on.aws' : 'example.com',
          http: { method: e.method, path: e.rawPath },
        },
        ...(functionUrl ? {} : { routeKey: '$default' }),
      }),
    )
export const albEvent = fc
  .record({
    httpMethod: method,
    path,
    headers,
    multi: fc.boolean(),
    multiValueHeaders: multiHeaders,
    query,
    body,
    isBase64Encoded: fc.boolean(),
  })
  .map(
    (e): LambdaHttpEvent => ({
      httpMethod: e.httpMethod,
      path: e.path,
      ...(e.multi ? { multiValueHeaders: e.multiValueHeaders } : { headers: e.headers }),
      ...(e.query ? { queryStringParameters: e.query } : {}),
      body: e.body,
      isBase64Encoded: e.isBase64Encoded,
      requestContext: { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1' } },
    }),
  )

// ── Architect bodies ──────────────────────────────────────────────────────────
const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/vnd.api+json',
    'application/x-www-form-urlencoded',
    'text/plain',
    'text/xml',
    'application/xml',
    'multipart/form-data; boundary=x',
    'application/octet-stream',
  ),
  fc.string({ maxLength: 30 }),
)
const arcBody = fc.oneof(
  jsonValue.map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 12 })).map((form) => new URLSearchParams(form).toString()),
  fc.string({ unit: 'binary', maxLength: 100 }),
)
export const arcEvent = fc
  .record({
    v2: fc.boolean(),
    method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
    contentType,
    headerCase: fc.boolean(),
    body: fc.option(arcBody),
    base64: fc.boolean(),
    cookie: fc.option(cookieHeader),
    extra: headers,
    write: sometimes,
  })
  .map((e): ArcEvent & { write: boolean } => {
    const encoded = e.body === null ? null : e.base64 ? Buffer.from(e.body).toString('base64') : e.body
    const hs: Record<string, string> = { ...e.extra, host: 'localhost', [e.headerCase ? 'Content-Type' : 'content-type']: e.contentType }
    if (e.v2) {
      return {
        version: '2.0',
        routeKey: `${e.method} /`,
        rawPath: '/',
        rawQueryString: '',
        headers: hs,
        ...(e.cookie ? { cookies: e.cookie.split(/;\s*/) } : {}),
        requestContext: { http: { method: e.method, path: '/' } },
        isBase64Encoded: e.base64,
        ...(encoded === null ? {} : { body: encoded }),
        write: e.write,
      }
    }
    if (e.cookie) hs.cookie = e.cookie
    return {
      httpMethod: e.method,
      path: '/',
      resource: '/',
      headers: hs,
      multiValueHeaders: Object.fromEntries(Object.entries(hs).map(([k, v]) => [k, [v]])),
      queryStringParameters: null,
      pathParameters: null,
      body: encoded,
      isBase64Encoded: e.base64,
      requestContext: { httpMethod: e.method },
      write: e.write,
    }
  })
