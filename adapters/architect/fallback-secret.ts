/**
 * Architect's DynamoDB sessions sign their ids with `ARC_APP_SECRET`, or, when
 * it is unset, with `ARC_APP_NAME` (or `'fallback'`). This wraps a store so its
 * ids are signed that way, keeping such cookies valid across a migration.
 * Only used outside production: production requires `ARC_APP_SECRET`.
 *
 * @module
 */
import type { Keyring } from '../../src/crypto.js'
import type { SessionStore, StoreContext } from '../../src/stores/store.js'

/**
 * `store` with its ids signed and verified by HMAC-SHA256 over `secret`.
 *
 * @example
 * ```ts
 * const store = fallbackSigning(dynamoStore({ table }), process.env.ARC_APP_NAME || 'fallback')
 * ```
 * @param store a server-side store (its cookie is `<id>.<signature>`)
 * @param secret the signing secret
 */
export function fallbackSigning(store: SessionStore, secret: string): SessionStore {
  const keyrings = new WeakMap<Keyring, Keyring>()
  const withKeys = (context: StoreContext): StoreContext => {
    let keyring = keyrings.get(context.keyring)
    if (!keyring) keyrings.set(context.keyring, (keyring = context.keyring.withSigningSecrets([secret])))
    return { ...context, keyring }
  }
  return {
    ...(store.stateless === undefined ? {} : { stateless: store.stateless }),
    read: (cookieValue, context) => store.read(cookieValue, withKeys(context)),
    write: (record, context, options) => store.write(record, withKeys(context), options),
    ...(store.get ? { get: (id, context) => store.get!(id, withKeys(context)) } : {}),
    ...(store.cookieValue ? { cookieValue: (id, context) => store.cookieValue!(id, withKeys(context)) } : {}),
    delete: (record, context) => store.delete(record, withKeys(context)),
    ...(store.touch ? { touch: (record, context) => store.touch!(record, withKeys(context)) } : {}),
  }
}
