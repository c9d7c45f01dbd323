/**
 * CSRF tokens for `seshjs/architect`.
 *
 * Tokens sesh makes are its own, domain-separated from everything else the
 * secret signs: their MAC is HMAC-SHA256 under a key derived from the secret
 * (HKDF-SHA256 with a fixed label), never HMAC-SHA256 under the secret itself,
 * which is what signs DynamoDB session ids in the `_idx` cookie. So no token is
 * ever an id's signature, whatever value it is bound to. The MAC covers the
 * expiry too.
 *
 * - `u1.<nonce>.<expiry ms>.<hex MAC>`: an unbound token (`create()`).
 * - `b1.<nonce>.<expiry ms>.<hex MAC>`: a token bound to a value
 *   (`create(value)`); the value is covered by the MAC but not carried, so
 *   the page shows nothing of it, and only `verify(token, value)` accepts it.
 *
 * Architect's format, `<data>.<expiry ms>.<hex HMAC-SHA256(secret, data)>`, is
 * still verified (tokens rendered by `@architect/functions` during a
 * migration), except when `data` has a session id's shape: such a token is the
 * signature of that id, i.e. the session cookie, and is refused. sesh never
 * makes one.
 *
 * The secrets are the resolved configuration's `csrfSecrets`: the configured
 * secret(s) — the newest signs, all verify — or, with none set outside
 * production, `ARC_APP_NAME` (else `'fallback'`), as Architect.
 *
 * @module
 */
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto'
import type { SessionConfig } from '../src/index.js'

/** How long a token lives by default: five minutes, in milliseconds. */
export const CSRF_LIFETIME = 5 * 60 * 1000

/** The HKDF info of the token key: changing it invalidates every token. */
const LABEL = 'seshjs/architect csrf token v1'
/** A session id's shape (24 base64url characters, sesh's and Architect's): Architect-format tokens over such data are refused. */
const ID_SHAPE = /^[A-Za-z0-9_-]{24}$/
const NONCE = /^[0-9a-f]{32}$/
const EXPIRY = /^\d{1,16}$/
const MAC = /^[0-9a-f]{64}$/

/** Token keys by secret: derived once per secret. */
const keys = new Map<string, Buffer>()

function tokenKey(secret: string): Buffer {
  let key = keys.get(secret)
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', secret, 'seshjs', LABEL, 32))
    if (keys.size > 64) keys.clear() // a few secrets per process; never unbounded
    keys.set(secret, key)
  }
  return key
}

const mac = (key: string | Buffer, message: string) => createHmac('sha256', key).update(message).digest('hex')

/** Constant-time string equality. */
function same(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** A binding value as a string, or `undefined` when there is none to bind to. */
function bindingOf(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** CSRF helpers bound to a configuration. */
export interface Csrf {
  /**
   * A token valid until `expires` (default: five minutes from now, in epoch
   * milliseconds). With `data` (a non-empty string, or a number), the token is
   * bound to it: only `verify(token, data)` accepts it, and the token does not
   * carry `data`, so binding to any session value (even the session id) shows
   * nothing of it.
   */
  create(data?: string | number, expires?: number): string
  /**
   * Whether `token` is one of ours and has not expired.
   *
   * - `verify(token)` (no binding): accepts unbound tokens (and Architect's);
   *   a bound token is refused, as its value is not given.
   * - `verify(token, value)`: accepts only a token bound to `value`. A missing
   *   value (`undefined`, `null`, `''`) fails closed: it never skips the check.
   */
  verify(token: unknown, data?: string | number): boolean
}

/**
 * CSRF helpers. Bind tokens to the visitor: create them with a value kept in
 * their session and verify with it (`csrf.verify(token, req.session.formKey)`).
 *
 * @example
 * ```ts
 * const csrf = createCsrf(() => resolveConfig({ secret }))
 * const token = csrf.create()
 * csrf.verify(token) // true, for five minutes
 * ```
 * @param config the configuration in force, asked at each call (it follows `ARC_*` changes)
 */
export function createCsrf(config: () => Pick<SessionConfig, 'csrfSecrets' | 'now'>): Csrf {
  return {
    create(data, expires) {
      const { csrfSecrets, now } = config()
      const bound = bindingOf(data)
      if (data !== undefined && bound === undefined) {
        throw new TypeError(
          'csrf.create(data): data binds the token to a visitor and must be a non-empty string or a number (call create() for an unbound token)',
        )
      }
      if (expires !== undefined && (!Number.isSafeInteger(expires) || expires < 0)) {
        throw new TypeError('csrf.create(data, expires): expires is a time in epoch milliseconds')
      }
      const ts = String(expires || now() + CSRF_LIFETIME)
      const nonce = randomBytes(16).toString('hex')
      const key = tokenKey(csrfSecrets[0]!)
      if (bound === undefined) return `u1.${nonce}.${ts}.${mac(key, `u1.${nonce}.${ts}`)}`
      return `b1.${nonce}.${ts}.${mac(key, `b1.${nonce}.${ts}.${bound}`)}`
    },
    verify(token: unknown, ...binding: unknown[]) {
      if (typeof token !== 'string' || token.length > 4096) return false
      // verify(token, undefined) is a missing bound value, not "no binding": it fails closed
      const wantsBinding = binding.length > 0
      const bound = bindingOf(binding[0])
      if (wantsBinding && bound === undefined) return false
      const { csrfSecrets, now } = config()
      const parts = token.split('.')

      if (parts.length === 4) {
        const [kind, nonce, ts, signature] = parts as [string, string, string, string]
        if (!NONCE.test(nonce) || !EXPIRY.test(ts) || !MAC.test(signature) || now() > Number(ts)) return false
        let message: string
        if (kind === 'u1' && !wantsBinding) message = `u1.${nonce}.${ts}`
        else if (kind === 'b1' && bound !== undefined) message = `b1.${nonce}.${ts}.${bound}`
        else return false // a bound token without its value, or an unbound one where a binding is asked
        return csrfSecrets.some((secret) => same(signature, mac(tokenKey(secret), message)))
      }

      // Architect's format: the signature covers only data (the expiry is advisory)
      if (parts.length !== 3) return false
      const [data, ts, signature] = parts as [string, string, string]
      if (!data || !ts || !signature) return false
      if (ID_SHAPE.test(data)) return false // the HMAC of an id: the session cookie's signature
      if (wantsBinding && !same(data, bound!)) return false
      const expires = Number(ts)
      if (!Number.isFinite(expires) || now() > expires) return false
      return csrfSecrets.some((secret) => same(signature, mac(secret, data)))
    },
  }
}
