/**
 * The session cookie: find it in a `Cookie` header, and serialize it. Parsing and
 * serialization are Hono's (`hono/utils/cookie`); this file only adds Architect's
 * "the last cookie of that name wins" rule and the size limit.
 *
 * @module
 */
import { parse, serialize } from 'hono/utils/cookie'
import { SessionTooLargeError } from '../errors.js'

/** A `SameSite` value. */
export type SameSite = 'lax' | 'strict' | 'none'

/** The attributes every session cookie carries. */
export interface CookieAttributes {
  path: '/'
  httpOnly: true
  sameSite: SameSite
  secure: boolean
  domain?: string
  maxAge: number
  partitioned: boolean
}

/** The most bytes a browser keeps for one cookie (RFC 6265 §6.1; name, value and attributes). */
export const COOKIE_LIMIT = 4096

/** A cookie value needing no unquoting or trimming, at most percent-decoding: sesh's own values. */
const PLAIN_VALUE = /^[\w.%+/-]*$/
/** The cookie names hono's parse() accepts. */
const COOKIE_NAME = /^[!#-:<>-[\]-~]+$/

/**
 * The value of the **last** cookie called `name` in a `Cookie` header (Architect's
 * rule, so a stale parent-domain cookie cannot shadow a fresh one), percent-decoded.
 * `undefined` when there is none or it is not a valid cookie value.
 *
 * @param header the `Cookie` request header
 * @param name the cookie name
 */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header?.includes(name)) return undefined
  const pairs = header.split(';')
  for (let i = pairs.length - 1; i >= 0; i--) {
    const pair = pairs[i]!
    const eq = pair.indexOf('=')
    if (eq === -1) continue
    const namePart = pair.slice(0, eq)
    if (namePart.trim() !== name) continue
    // The usual case — a JWE, or a signed id with its signature percent-encoded, after
    // `name=` or ` name=` — gives what hono's parse() would, without its regular expression.
    const raw = pair.slice(eq + 1)
    if ((namePart === name || namePart === ` ${name}`) && PLAIN_VALUE.test(raw) && COOKIE_NAME.test(name)) {
      if (!raw.includes('%')) return raw === '' ? undefined : raw
      try {
        return decodeURIComponent(raw) || undefined
      } catch {
        // a bad escape: hono's parse() keeps what it can decode
      }
    }
    const value = parse(pair, name)[name]
    return value === undefined || value === '' ? undefined : value
  }
  return undefined
}

const utf8 = new TextEncoder()

/** The UTF-8 bytes of `text` (a `Set-Cookie` value): what browsers count against {@link COOKIE_LIMIT}. */
export const utf8Bytes = (text: string): number => utf8.encode(text).length

/** The attributes part (`; Max-Age=…; Path=/; …`) of each cookie name's `Set-Cookie`, by frozen attributes object. */
const suffixes = new WeakMap<CookieAttributes, Map<string, string>>()

/**
 * Hono's `serialize(name, value, attributes)`. The attributes part does not depend
 * on the value, so for a frozen attributes object (the engine's) hono formats and
 * checks it once per cookie name, and each cookie after that is the name, the
 * encoded value and that part. Hono's checks (a dozen regular expressions) and
 * counting the bytes through a new TextEncoder were about 1 µs of a 15 µs write.
 *
 * @param name the cookie name
 * @param value the cookie value (percent-encoded here, as hono does)
 * @param attributes the cookie's attributes
 */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  if (!Object.isFrozen(attributes)) return serialize(name, value, attributes)
  const encoded = encodeURIComponent(value) // first, as in hono: a lone surrogate throws before any check of the name
  let byName = suffixes.get(attributes)
  if (byName === undefined) suffixes.set(attributes, (byName = new Map()))
  let suffix = byName.get(name)
  if (suffix === undefined) {
    suffix = serialize(name, '', attributes).slice(name.length + 1) // throws, uncached, for a name hono refuses
    byName.set(name, suffix) // the names are the configured cookie's (and its chunks'): a few
  }
  return `${name}=${encoded}${suffix}`
}

/**
 * A `Set-Cookie` value carrying the session. Throws a {@link SessionTooLargeError}
 * when it would exceed {@link COOKIE_LIMIT} bytes, which browsers silently drop.
 *
 * @param name the cookie name
 * @param value the cookie value (percent-encoded here)
 * @param attributes the cookie's attributes
 */
export function sessionCookie(name: string, value: string, attributes: CookieAttributes): string {
  const cookie = serializeCookie(name, value, attributes)
  // A UTF-16 code unit is at most 3 bytes of UTF-8: most cookies need no counting.
  if (cookie.length * 3 <= COOKIE_LIMIT) return cookie
  const size = utf8Bytes(cookie)
  if (size > COOKIE_LIMIT) {
    throw new SessionTooLargeError(
      `The session cookie would be ${size} bytes, over the browsers' limit of ${COOKIE_LIMIT} bytes, ` +
        'so browsers would drop it. Keep less in the session, or use a server-side store ' +
        "(dynamoStore from 'seshjs/dynamodb', kvStore from 'seshjs/kv').",
      COOKIE_LIMIT,
      size,
    )
  }
  return cookie
}

/**
 * A `Set-Cookie` value that deletes the session cookie (`Max-Age=0`).
 *
 * @param name the cookie name
 * @param attributes the cookie's attributes (the same `Path`/`Domain` must be used to delete it)
 */
export function expiredCookie(name: string, attributes: CookieAttributes): string {
  return serialize(name, '', { ...attributes, maxAge: 0 })
}
