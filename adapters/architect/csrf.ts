/**
 * CSRF tokens in Architect's format, `<data>.<expiry ms>.<hex HMAC-SHA256(secret, data)>`,
 * so tokens made by either library verify in the other, but checked in
 * constant time. The secrets are the resolved configuration's `csrfSecrets`:
 * the configured secret(s) — the newest signs, all verify — or, with none set
 * outside production, `ARC_APP_NAME` (else `'fallback'`), as Architect.
 *
 * @module
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto'
import type { SessionConfig } from '../../src/index.js'

/** How long a token lives by default: five minutes, in milliseconds. */
export const CSRF_LIFETIME = 5 * 60 * 1000

const sign = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest('hex')

/** Constant-time string equality. */
function same(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** CSRF helpers bound to a configuration. */
export interface Csrf {
  /**
   * A token: `data` (default: a random 32-hex-digit value) valid until `expires`
   * (default: five minutes from now, in epoch milliseconds).
   */
  create(data?: string, expires?: number): string
  /**
   * Whether `token` is one of ours, has not expired and, when `data` is given,
   * carries that data: pass a value kept in the visitor's session (the one the
   * token was created with) to bind tokens to that visitor.
   */
  verify(token: unknown, data?: string): boolean
}

/**
 * CSRF helpers. As in Architect, the signature covers `data` only, so the
 * expiry is advisory. Bind tokens to the visitor: create them with a value kept
 * in their session and verify with it (`csrf.verify(token, req.session.formKey)`).
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
      const value = data || randomUUID().replace(/-/g, '')
      const ts = expires || now() + CSRF_LIFETIME
      return `${value}.${ts}.${sign(csrfSecrets[0]!, value)}`
    },
    verify(token, expected) {
      if (typeof token !== 'string') return false
      const [data, ts, signature, ...rest] = token.split('.')
      if (!data || !ts || !signature || rest.length > 0) return false
      if (expected !== undefined && !same(data, String(expected))) return false
      const { csrfSecrets, now } = config()
      const expires = Number(ts)
      if (!Number.isFinite(expires) || now() > expires) return false
      return csrfSecrets.some((secret) => same(signature, sign(secret, data)))
    },
  }
}
