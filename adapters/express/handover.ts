/**
 * A one-time reader of express-session's cookie, so an app can move from
 * express-session (with connect-redis, or any store you can read by id) to
 * sesh without logging anyone out: a request that carries the old signed
 * `connect.sid` cookie and no sesh cookie gets a new sesh session holding the
 * old session's data, and the old cookie is expired.
 *
 * The old cookie is `s:<id>.<signature>` (percent-encoded), the signature
 * being cookie-signature's: HMAC-SHA256 of the id under the secret, base64
 * without padding. It is checked here with WebCrypto (`crypto.subtle.verify`,
 * constant-time), against every secret given (express-session takes an array
 * while rotating).
 *
 * @module
 */
import { RESERVED_KEYS, type SessionData } from '../../src/index.js'

/**
 * Takes over the sessions of another session library, once per visitor, when a
 * request carries no sesh cookie: {@link expressSessionHandover} reads
 * express-session's. Its `take()` names the old session's data (or nothing) and
 * the `Set-Cookie` values that expire the old cookie; `done()` runs after the
 * new session is saved (to delete the old record).
 */
export interface Handover {
  /** The old cookie's name; the handover runs only when the request carries it. */
  readonly name: string
  /**
   * Reads the old session of a request.
   *
   * @param cookieHeader the request's `Cookie` header
   */
  take(cookieHeader: string): Promise<HandoverResult | undefined>
}

/** What {@link Handover.take} found. */
export interface HandoverResult {
  /** The data for the new sesh session; `undefined` when there is nothing to keep (a bad signature, an expired record). */
  readonly data?: Record<string, unknown> | undefined
  /** `Set-Cookie` values that expire the old cookie: sent with the response once the new session is saved. */
  readonly expire: readonly string[]
  /** Runs once the new session is saved (the old record can go). */
  readonly done?: (() => Promise<void>) | undefined
}

/** An express-session record as its stores keep it (connect-redis: `sess:<id>`, JSON). */
export interface ExpressSessionRecord {
  /** express-session's cookie settings; `expires` is an ISO date (or `null` for a browser-session cookie). */
  cookie?: { expires?: string | Date | null | undefined; [key: string]: unknown } | undefined
  [key: string]: unknown
}

/** Options of {@link expressSessionHandover}. */
export interface ExpressSessionHandoverOptions<Data extends object = SessionData> {
  /** express-session's `secret` (several while rotating: each is tried). */
  secret: string | readonly string[]
  /**
   * express-session's cookie name.
   * @default 'connect.sid'
   */
  name?: string | undefined
  /**
   * Loads the old record by session id; `undefined` (or `null`) when there is none.
   *
   * @example
   * ```ts
   * load: async (id) => JSON.parse((await redis.get(`sess:${id}`)) ?? 'null')
   * ```
   */
  load(id: string): ExpressSessionRecord | null | undefined | Promise<ExpressSessionRecord | null | undefined>
  /**
   * Picks what the new session keeps, from the old record.
   * @default every field but `cookie` (and the keys sesh reserves)
   */
  map?: ((record: ExpressSessionRecord, id: string) => Partial<Data> | undefined) | undefined
  /**
   * Deletes the old record once the new session is saved, so the old cookie
   * cannot be handed over again (a copy of it, stolen, included). Without it
   * the record stays until its store expires it, and the old cookie can be
   * handed over until then.
   */
  destroy?: ((id: string) => void | Promise<void>) | undefined
  /** The old cookie's `Path` and `Domain`, for the `Set-Cookie` that expires it. @default `{ path: '/' }` */
  cookie?: { path?: string | undefined; domain?: string | undefined } | undefined
  /** The clock, in milliseconds (tests). @default Date.now */
  now?: (() => number) | undefined
}

const encoder = new TextEncoder()

/**
 * Reads express-session's signed cookie once and hands the session over to
 * sesh. Pass it as the `handover` option of `sessions()`.
 *
 * @example
 * ```ts
 * app.use(sessions({
 *   handover: expressSessionHandover({
 *     secret: process.env.EXPRESS_SESSION_SECRET!,
 *     load: async (id) => JSON.parse((await redis.get(`sess:${id}`)) ?? 'null'),
 *     map: (old) => ({ user: old.user }),
 *     destroy: (id) => redis.del(`sess:${id}`).then(() => {}),
 *   }),
 * }))
 * ```
 * @param options the old secret(s), cookie name, and how to load, map and delete the old record
 */
export function expressSessionHandover<Data extends object = SessionData>(options: ExpressSessionHandoverOptions<Data>): Handover {
  const secrets = typeof options.secret === 'string' ? [options.secret] : [...options.secret]
  if (secrets.length === 0 || secrets.some((secret) => typeof secret !== 'string' || secret === '')) {
    throw new TypeError("expressSessionHandover() needs express-session's secret (a non-empty string, or several)")
  }
  if (typeof options.load !== 'function') throw new TypeError('expressSessionHandover() needs load(id), which reads the old record')
  const name = options.name ?? 'connect.sid'
  const now = options.now ?? Date.now
  const map = options.map ?? defaultMap
  let keys: Promise<CryptoKey[]> | undefined
  const attributes = [`Path=${options.cookie?.path ?? '/'}`, ...(options.cookie?.domain ? [`Domain=${options.cookie.domain}`] : [])]
  const expire = [`${name}=; ${attributes.join('; ')}; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0`]

  async function verified(value: string): Promise<string | undefined> {
    if (!value.startsWith('s:')) return undefined
    const signed = value.slice(2)
    const dot = signed.lastIndexOf('.')
    if (dot <= 0) return undefined
    const id = signed.slice(0, dot)
    const signature = decodeSignature(signed.slice(dot + 1))
    if (!signature) return undefined
    keys ??= Promise.all(
      secrets.map((secret) => crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])),
    )
    for (const key of await keys) {
      if (await crypto.subtle.verify('HMAC', key, signature, encoder.encode(id))) return id
    }
    return undefined
  }

  return {
    name,
    async take(cookieHeader): Promise<HandoverResult | undefined> {
      const value = cookieValue(cookieHeader, name)
      if (value === undefined) return undefined
      const id = await verified(value)
      if (id === undefined) return { expire } // forged, or signed with a secret no longer known: drop it
      const record = await options.load(id)
      if (!record || typeof record !== 'object' || expired(record, now())) return { expire }
      const data = map(record, id)
      return {
        data: data as Record<string, unknown> | undefined,
        expire,
        done: options.destroy ? async () => options.destroy!(id) : undefined,
      }
    },
  }
}

/** Every field of the old record but its cookie settings and the keys sesh keeps for itself. */
function defaultMap<Data extends object>(record: ExpressSessionRecord): Partial<Data> {
  const data: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(record)) {
    if (key !== 'cookie' && !RESERVED_KEYS.has(key) && value !== undefined) data[key] = value
  }
  return data as Partial<Data>
}

function expired(record: ExpressSessionRecord, now: number): boolean {
  const expires = record.cookie?.expires
  if (expires === undefined || expires === null) return false
  const at = new Date(expires).getTime()
  return Number.isNaN(at) || at <= now
}

/**
 * cookie-signature's signature: base64 of the 32-byte HMAC without its `=`,
 * 43 characters, and canonical (the last one carries 4 bits, its 2 spare ones zero).
 */
function decodeSignature(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]$/.test(text)) return undefined
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** The first cookie named `name` in a `Cookie` header, percent-decoded (as express-session reads it). */
function cookieValue(header: string, name: string): string | undefined {
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=')
    if (eq <= 0 || pair.slice(0, eq).trim() !== name) continue
    let value = pair.slice(eq + 1).trim()
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1)
    try {
      return value.includes('%') ? decodeURIComponent(value) : value
    } catch {
      return value
    }
  }
  return undefined
}
