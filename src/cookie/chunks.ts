/**
 * Chunked session cookies (opt-in, `cookieStore({ chunks })`): one cookie value
 * split over `_idx`, `_idx.1`, `_idx.2`, … and joined again. Pure functions
 * over the `Cookie` header and `Set-Cookie` values; the engine calls them.
 *
 * The wire: a value that fits one cookie is sent as it is, exactly as without
 * chunking. A bigger one is split in order; the first cookie's value starts
 * with the number of cookies and `~` (`_idx=3~eyJ…; _idx.1=…; _idx.2=…`), a
 * prefix no JWE (base64url and dots) can start with. A reader takes the count
 * from the first cookie and exactly that many chunks: a stray or tossed
 * `_idx.7` is ignored, a missing or empty one gives no value, and a chunk that
 * is reordered, duplicated or from another session makes a value that does
 * not open (AES-GCM authenticates the whole token). Hand-written because no
 * cookie library splits cookies; parsing each pair is still Hono's.
 *
 * @module
 */
import { parse } from 'hono/utils/cookie'
import { COOKIE_LIMIT, type CookieAttributes, expiredCookie, serializeCookie, sessionCookie, utf8Bytes as bytes } from './cookie.js'
import { SessionTooLargeError } from '../errors.js'

/** How far the engine may split one session cookie (a stateless store's `chunks`). */
export interface CookieChunks {
  /** The most cookies one session may use, `_idx` included (2 to 50). */
  readonly max: number
  /** The most bytes the session's cookies may add to a request's `Cookie` header (names, values, `; `). */
  readonly maxBytes: number
}

/**
 * The most cookies one session may use: RFC 6265 §6.1's guaranteed minimum per
 * domain. Chunk names above it are never read nor expired.
 */
export const MAX_CHUNKS = 50

/** The count prefix of a chunked first cookie: `2~` to `50~`. */
const COUNT = /^([1-9]\d?)~/

/** Characters `encodeURIComponent` leaves alone: a value made of them is its own wire form (a JWE is). */
const COOKIE_SAFE = /^[\w.~!*'()-]*$/

/**
 * The name of chunk `index`: the session cookie itself for 0, else `<name>.<index>`.
 *
 * @param name the session cookie's name (`_idx`, `__Host-_idx`)
 * @param index 0 for the first cookie
 */
export function chunkName(name: string, index: number): string {
  return index === 0 ? name : `${name}.${index}`
}

/** The session cookie as a request carried it. */
export interface CarriedCookie {
  /** The cookie value, its chunks joined; `undefined` when there is none or the set is incomplete. */
  value: string | undefined
  /** The request carried the first cookie (`_idx`), whether or not its set was whole. */
  present: boolean
  /** The chunk numbers (1 and up) the request carried, valid or not: what a write may need to expire. */
  carried: number[]
}

/**
 * Reads the session cookie and its chunks from a `Cookie` header. For each
 * name the **last** cookie wins, as {@link readCookie} decides for one cookie.
 * Never throws.
 *
 * @example
 * ```ts
 * readChunks('_idx=2~eyJhbGc; _idx.1=iOiJkaXIi', '_idx', { max: 4, maxBytes: 14336 })
 * // { value: 'eyJhbGciOiJkaXIi', present: true, carried: [1] }
 * ```
 * @param header the `Cookie` request header
 * @param name the session cookie's name
 * @param limits the most cookies and bytes to accept
 */
export function readChunks(header: string | null | undefined, name: string, limits: CookieChunks): CarriedCookie {
  const none: CarriedCookie = { value: undefined, present: false, carried: [] }
  if (typeof header !== 'string' || !header.includes(name)) return none
  const values = new Map<number, string>()
  const dotted = `${name}.`
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=')
    if (eq === -1) continue
    const key = pair.slice(0, eq).trim()
    let index: number
    if (key === name) index = 0
    else if (key.startsWith(dotted) && /^[1-9]\d?$/.test(key.slice(dotted.length))) index = Number(key.slice(dotted.length))
    else continue
    if (index >= MAX_CHUNKS) continue
    values.set(index, parse(pair, key)[key] ?? '') // an invalid value counts as empty: it spoils the set
  }
  const carried = [...values.keys()].filter((index) => index > 0).sort((a, b) => a - b)
  const first = values.get(0)
  if (first === undefined) return { ...none, carried }
  const result = (value: string | undefined): CarriedCookie => ({ value: value || undefined, present: first !== '', carried })
  const count = COUNT.exec(first)
  if (!count) return result(first) // one cookie, as without chunking
  const n = Number(count[1])
  if (n < 2 || n > limits.max) return result(undefined)
  let joined = first.slice(count[0].length)
  for (let i = 1; i < n; i++) {
    const part = values.get(i)
    if (!part) return result(undefined)
    joined += part
    if (joined.length > limits.maxBytes) return result(undefined) // bigger than anything this engine writes
  }
  return result(joined)
}

/** What a split costs: the room in each of `n` cookies, and the bytes they add to a `Cookie` header. */
interface Layout {
  /** Characters of value each cookie can carry. */
  room: number[]
  /** The `Cookie` header bytes of these cookies carrying `length` characters of value. */
  headerBytes(length: number): number
}

function layout(name: string, attributes: CookieAttributes, n: number): Layout {
  const empty = bytes(serializeCookie(name, '', attributes)) // `_idx=; Max-Age=…; Path=/; …`
  const room: number[] = []
  let names = 0
  for (let i = 0; i < n; i++) {
    const suffix = i === 0 ? 0 : 1 + String(i).length // `.1`
    const prefix = i === 0 ? `${n}~`.length : 0
    room.push(COOKIE_LIMIT - empty - suffix - prefix)
    names += name.length + suffix + 1 + prefix // `_idx.1=` and the count prefix
  }
  return { room, headerBytes: (length) => names + length + 2 * (n - 1) } // `; ` between cookies
}

/**
 * How many cookies `value` takes (1 when it fits one), whatever the limits.
 *
 * @param name the session cookie's name
 * @param value the cookie value
 * @param attributes the cookie's attributes
 */
export function chunkCount(name: string, value: string, attributes: CookieAttributes): number {
  const empty = bytes(serializeCookie(name, '', attributes))
  const length = bytes(encodeURIComponent(value))
  if (empty + length <= COOKIE_LIMIT) return 1
  let rest = 0 // the room in chunks 1 … n-1
  for (let n = 2; ; n++) {
    const room = COOKIE_LIMIT - empty - 1 - String(n - 1).length
    if (room <= 0) return Number.POSITIVE_INFINITY // attributes alone fill a cookie
    rest += room
    if (COOKIE_LIMIT - empty - `${n}~`.length + rest >= length) return n
  }
}

/**
 * The `Set-Cookie` values that carry `value`: one cookie when it fits (exactly
 * as without chunking), else the chunks, then an expiry for every chunk in
 * `carried` the new value no longer uses. Every cookie is checked against
 * {@link COOKIE_LIMIT} and the whole against `limits` before anything is
 * returned: too big is a {@link SessionTooLargeError}.
 *
 * @param name the session cookie's name
 * @param value the cookie value
 * @param attributes the attributes every chunk carries (the session cookie's)
 * @param limits the most cookies and bytes
 * @param carried the chunk numbers the request carried
 */
export function chunkedCookies(
  name: string,
  value: string,
  attributes: CookieAttributes,
  limits: CookieChunks,
  carried: readonly number[],
): string[] {
  const n = chunkCount(name, value, attributes)
  const headers: string[] = []
  if (n === 1) headers.push(sessionCookie(name, value, attributes))
  else {
    if (!COOKIE_SAFE.test(value)) throw new TypeError('A chunked cookie value must need no percent-encoding (a JWE needs none)')
    const largest = layout(name, attributes, limits.max)
    const limit = Math.min(limits.maxBytes, largest.headerBytes(largest.room.reduce((a, b) => a + b, 0)))
    const size = Number.isFinite(n) ? layout(name, attributes, n).headerBytes(value.length) : Number.POSITIVE_INFINITY
    if (n > limits.max || size > limit) {
      throw new SessionTooLargeError(
        `The session cookie would take ${n} cookies and ${size} bytes of every request's Cookie header, over the ` +
          `limit of ${limits.max} cookies and ${limit} bytes (cookieStore({ chunks, maxBytes })). Keep less in the ` +
          "session, or use a server-side store (dynamoStore from 'seshjs/dynamodb', kvStore from 'seshjs/kv').",
        limit,
        size,
      )
    }
    const { room } = layout(name, attributes, n)
    let at = 0
    for (let i = 0; i < n; i++) {
      const part = value.slice(at, at + room[i]!)
      at += part.length
      headers.push(sessionCookie(chunkName(name, i), i === 0 ? `${n}~${part}` : part, attributes))
    }
  }
  for (const index of carried) if (index >= n) headers.push(expiredCookie(chunkName(name, index), attributes))
  return headers
}

/**
 * The `Set-Cookie` values that end a session: the session cookie and every chunk the request carried.
 *
 * @param name the session cookie's name
 * @param attributes the cookie's attributes (the same `Path`/`Domain` delete it)
 * @param carried the chunk numbers the request carried
 */
export function expiredCookies(name: string, attributes: CookieAttributes, carried: readonly number[]): string[] {
  return [expiredCookie(name, attributes), ...carried.map((index) => expiredCookie(chunkName(name, index), attributes))]
}
