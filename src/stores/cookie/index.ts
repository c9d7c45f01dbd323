/**
 * The cookie store (the default): the whole session sealed into the cookie as a
 * compact JWE, byte-compatible with @architect/functions 8 — payload = data + `iat`.
 *
 * @module
 */
import { MAX_CHUNKS } from '../../cookie/chunks.js'
import { open, type Opened, seal } from '../../crypto/keyring.js'
import { toDataObject } from '../../json.js'
import type { CookieChunks, ReadResult, SessionStore } from '../contract.js'

/** Cookies longer than this are not even tried: browsers would not have sent them. */
const MAX_TOKEN_LENGTH = 4096

/** `chunks: true`: four cookies, more than {@link DEFAULT_MAX_BYTES} can fill. */
export const DEFAULT_CHUNKS = 4

/**
 * The default most bytes chunked cookies add to a request: 14 KiB. Node's
 * default limit for all request headers together is 16 KiB
 * (`--max-http-header-size`), so a 10 KB session (about 13.8 KB sealed) fits
 * with about 2 KB left for the browser's other headers.
 */
export const DEFAULT_MAX_BYTES = 14 * 1024

/** Options of {@link cookieStore}. */
export interface CookieStoreOptions {
  /**
   * Split a session too big for one cookie over up to this many cookies
   * (`_idx`, `_idx.1`, `_idx.2`, …; 2 to 50); `true` for 4. A session that
   * fits one cookie is sent as one, exactly as without chunking. Every
   * request then carries every chunk: see `maxBytes`. `seshjs/architect`
   * refuses it (Architect reads one cookie).
   * @default false (one cookie of at most 4096 bytes, as Architect)
   */
  chunks?: number | boolean | undefined
  /**
   * With `chunks`: the most bytes the session's cookies may add to a request's
   * `Cookie` header (names, values and the `; ` between them). Past it, and
   * past `chunks` cookies, a save raises `SessionTooLargeError`. Lower it
   * behind servers or proxies with smaller header limits (API Gateway: 10 KB
   * for all headers; nginx: 8 KB per header line by default).
   * @default 14336 (14 KiB: fits Node's 16 KiB header limit with room for other headers)
   */
  maxBytes?: number | undefined
}

function chunksOf(options: CookieStoreOptions): CookieChunks | undefined {
  if (options === null || typeof options !== 'object') throw new TypeError('cookieStore() takes an options object')
  const { chunks = false, maxBytes } = options
  const max = chunks === true ? DEFAULT_CHUNKS : chunks === false ? 1 : chunks
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > MAX_CHUNKS) {
    throw new TypeError(`cookieStore: chunks must be true, false or an integer from 1 to ${MAX_CHUNKS} (the most cookies per session)`)
  }
  if (max === 1) {
    if (maxBytes !== undefined) throw new TypeError('cookieStore: maxBytes limits chunked cookies: set chunks as well')
    return undefined
  }
  const bytes = maxBytes ?? DEFAULT_MAX_BYTES
  if (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes < MAX_TOKEN_LENGTH) {
    throw new TypeError(`cookieStore: maxBytes must be an integer of at least ${MAX_TOKEN_LENGTH} (bytes of the Cookie header)`)
  }
  return Object.freeze({ max, maxBytes: bytes })
}

/** The payload key holding the creation time, written only when an absolute `maxAge` is configured. */
const CREATED = '_created'

const NOTHING: Promise<undefined> = Promise.resolve(undefined)

/**
 * The record a token's payload holds: the data, and `iat` and `_created` taken out of it, in one
 * pass over the parsed JSON (into a prototype-less object, as `parseJsonObject` makes).
 */
function recordOf(opened: Opened | undefined): ReadResult | undefined {
  if (!opened) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(opened.payload)
  } catch {
    return undefined
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined
  const payload = parsed as Record<string, unknown>
  const data: Record<string, unknown> = Object.create(null)
  let iat: unknown
  let created: unknown
  for (const key of Object.keys(payload)) {
    if (key === 'iat') iat = payload[key]
    else if (key === CREATED) created = payload[key]
    else data[key] = payload[key]
  }
  // Like Architect, a token without a positive numeric iat is not a session.
  if (typeof iat !== 'number' || !Number.isFinite(iat) || iat <= 0) return undefined
  const createdAt = typeof created === 'number' && Number.isFinite(created) ? created : undefined
  return { record: { data, issuedAt: iat, createdAt }, keyIndex: opened.keyIndex }
}

/**
 * The cookie store: stateless, nothing to set up. Data is encrypted and
 * authenticated (AES-GCM), so users cannot read or change it, but a cookie
 * cannot be revoked before it expires, and the whole session must fit the
 * browser's 4096-byte cookie limit (about 2.9 KB of JSON) — use a server-side
 * store for more, or opt in to `chunks` (several cookies, sent on every request).
 *
 * @example
 * ```ts
 * app.use(sessions({ store: cookieStore() }))
 * app.use(sessions({ store: cookieStore({ chunks: 4 }) })) // up to 4 cookies, 14 KiB in all
 * ```
 * @param options chunking, off by default
 */
export function cookieStore(options: CookieStoreOptions = {}): SessionStore {
  const chunks = chunksOf(options)
  const longest = chunks ? chunks.maxBytes : MAX_TOKEN_LENGTH
  return {
    stateless: true,
    ...(chunks ? { chunks } : {}),
    // Not async: a token the keyring opens synchronously (node:crypto, or one it remembers) is
    // turned into the record at once, without an await's extra turn of the microtask queue.
    read(cookieValue, { keyring }) {
      if (cookieValue.length > longest) return NOTHING
      try {
        const opened = open(cookieValue, keyring)
        return opened instanceof Promise ? opened.then(recordOf) : Promise.resolve(recordOf(opened))
      } catch (error) {
        return Promise.reject(error)
      }
    },
    async write(record, { keyring }) {
      const payload = toDataObject(record.data)
      if (record.createdAt !== undefined) payload[CREATED] = record.createdAt
      payload.iat = record.issuedAt
      return seal(JSON.stringify(payload), keyring)
    },
    async delete() {
      // Nothing is kept anywhere but in the cookie, which the engine expires.
    },
  }
}
