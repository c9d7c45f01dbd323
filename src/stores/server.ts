/**
 * Server-side stores: the cookie carries only `<id>.<signature>` (Architect's
 * signed-id format), and a {@link RecordKeeper} keeps the data.
 *
 * @module
 */
import { signId, unsignId } from '../crypto/keyring.js'
import type { KeeperCallOptions, RecordKeeper, SessionStore, StoreContext } from './contract.js'

/**
 * The keeper call's options, with the context's `signal` read only if the
 * keeper reads it: the deadline makes the signal on first use, so a keeper that
 * never passes it on (memory) never pays for one. A class, for the same reason
 * as the deadline's context: per-object accessors are slow on V8.
 */
class CallOptions implements KeeperCallOptions {
  readonly #context: StoreContext
  readonly mustExist?: true
  constructor(context: StoreContext, mustExist?: boolean) {
    this.#context = context
    if (mustExist) this.mustExist = true
  }
  get signal(): AbortSignal | undefined {
    return this.#context.signal
  }
}

const callOptions = (context: StoreContext, mustExist?: boolean): CallOptions => new CallOptions(context, mustExist)

/** Ids the engine makes are 24 base64url characters; anything else is refused before touching the store. */
const ID_SHAPE = /^[A-Za-z0-9_-]{16,128}$/
/** `<id>.<signature>`: an id of {@link ID_SHAPE} and a base64 HMAC-SHA256 (43 characters, 44 padded). */
const COOKIE_SHAPE = /^[A-Za-z0-9_-]{16,128}\.[A-Za-z0-9+/]{43}=?$/

/**
 * Refuses `chunks` given to a server-side store's factory: chunked cookies are
 * for the cookie store, whose cookie holds the whole session; a server store's
 * cookie is a short signed id.
 *
 * @param options the factory's options
 * @param factory the factory's name, for the message
 */
export function refuseChunks(options: object, factory: string): void {
  const chunks = (options as { chunks?: unknown }).chunks
  if (chunks !== undefined && chunks !== false) {
    throw new TypeError(`${factory}: chunks are for the cookie store (cookieStore({ chunks })); a server-side store keeps only a short signed id in the cookie`)
  }
}

/**
 * Turns a {@link RecordKeeper} into a {@link SessionStore} with a signed-id cookie.
 *
 * @example
 * ```ts
 * const store = serverStore({
 *   async get(id) { ... }, async set(id, record) { ... }, async delete(id) { ... },
 * })
 * app.use(sessions({ store }))
 * ```
 * @param keeper keeps records by id
 */
export function serverStore(keeper: RecordKeeper): SessionStore {
  const store: SessionStore = {
    records: keeper,
    ...(keeper.local ? { local: true } : {}),
    async read(cookieValue, context) {
      // The shape first: a value no id could have is refused before any HMAC (a 1 MB "id" costs nothing).
      if (cookieValue.length > 173 || !COOKIE_SHAPE.test(cookieValue)) return undefined
      const verified = await unsignId(cookieValue, context.keyring)
      if (!verified || !ID_SHAPE.test(verified.id)) return undefined
      const record = await store.get!(verified.id, context)
      return record && { record, keyIndex: verified.keyIndex }
    },
    async write(record, context, options) {
      const { keyring, now, ttl } = context
      const id = record.id!
      const stored = await keeper.set(
        id,
        { data: record.data, expiresAt: record.issuedAt + ttl, createdAt: record.createdAt, extra: record.extra },
        now,
        callOptions(context, options?.update),
      )
      if (stored === false) return undefined
      if (stored) record.extra = stored.extra
      return signId(id, keyring)
    },
    async delete(record, context) {
      if (record.id) await keeper.delete(record.id, callOptions(context))
    },
    async get(id, context) {
      const { now, ttl } = context
      if (!ID_SHAPE.test(id)) return undefined
      const stored = await keeper.get(id, now, callOptions(context))
      if (!stored || stored.expiresAt <= now) return undefined
      return { id, data: stored.data, issuedAt: stored.expiresAt - ttl, createdAt: stored.createdAt, extra: stored.extra }
    },
    cookieValue: (id, { keyring }) => signId(id, keyring),
  }
  const touchRecord = keeper.touch?.bind(keeper)
  if (touchRecord) {
    store.touch = async (record, context) => {
      const { keyring, now, ttl } = context
      const id = record.id!
      return (await touchRecord(id, record.issuedAt + ttl, now, callOptions(context))) ? signId(id, keyring) : undefined
    }
  }
  return store
}
