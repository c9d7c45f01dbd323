/**
 * Server-side stores: the cookie carries only `<id>.<signature>` (Architect's
 * signed-id format), and a {@link RecordKeeper} keeps the data.
 *
 * @module
 */
import { signId, unsignId } from '../crypto/keyring.js'
import { SessionConflictError } from '../errors.js'
import {
  type KeeperCallOptions,
  MOVED,
  type RecordKeeper,
  type SessionRecord,
  type SessionStore,
  type StoreContext,
  type StoredRecord,
} from './contract.js'

/**
 * The keeper call's options, with the context's `signal` read only if the
 * keeper reads it: the deadline makes the signal on first use, so a keeper that
 * never passes it on (memory) never pays for one. A class, for the same reason
 * as the deadline's context: per-object accessors are slow on V8.
 */
class CallOptions implements KeeperCallOptions {
  readonly #context: StoreContext
  readonly mustExist?: true
  readonly forwards?: true
  constructor(context: StoreContext, mustExist?: boolean, forwards?: boolean) {
    this.#context = context
    if (mustExist) this.mustExist = true
    if (forwards) this.forwards = true
  }
  get signal(): AbortSignal | undefined {
    return this.#context.signal
  }
}

const callOptions = (context: StoreContext, mustExist?: boolean, forwards?: boolean): CallOptions =>
  new CallOptions(context, mustExist, forwards)

/** A move's options: the forward's end and the old record's `extra`, with the signal read on use. */
class MoveCallOptions extends CallOptions {
  readonly forwardUntil: number
  readonly fromExtra: Record<string, unknown> | undefined
  constructor(context: StoreContext, forwardUntil: number, fromExtra: Record<string, unknown> | undefined) {
    super(context)
    this.forwardUntil = forwardUntil
    this.fromExtra = fromExtra
  }
}

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
    throw new TypeError(
      `${factory}: chunks are for the cookie store (cookieStore({ chunks })); a server-side store keeps only a short signed id in the cookie`,
    )
  }
}

function storedOf(record: SessionRecord, ttl: number): StoredRecord {
  return { data: record.data, expiresAt: record.issuedAt + ttl, createdAt: record.createdAt, extra: record.extra }
}

function recordOf(id: string, stored: StoredRecord, ttl: number): SessionRecord {
  return { id, data: stored.data, issuedAt: stored.expiresAt - ttl, createdAt: stored.createdAt, extra: stored.extra }
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
    ...(keeper.newId ? { newId: keeper.newId } : {}),
    async read(cookieValue, context) {
      // The shape first: a value no id could have is refused before any HMAC (a 1 MB "id" costs nothing).
      if (cookieValue.length > 173 || !COOKIE_SHAPE.test(cookieValue)) return undefined
      const verified = await unsignId(cookieValue, context.keyring)
      if (!verified || !ID_SHAPE.test(verified.id)) return undefined
      const { id } = verified
      const { now, ttl } = context
      const stored = await keeper.get(id, now, callOptions(context, false, true))
      if (!stored || stored.expiresAt <= now) return undefined
      if (stored.moved) return { record: { id, data: {}, issuedAt: now - ttl }, keyIndex: verified.keyIndex, moved: true }
      return { record: recordOf(id, stored, ttl), keyIndex: verified.keyIndex }
    },
    async write(record, context, options) {
      const { keyring, now, ttl } = context
      const id = record.id!
      let stored: StoredRecord | void | false
      try {
        stored = await keeper.set(id, storedOf(record, ttl), now, callOptions(context, options?.update))
      } catch (error) {
        // optimistic concurrency: a write that lost to a move is not a conflict the app should see
        if (options?.update && error instanceof SessionConflictError && (await wasMoved(id, context))) return MOVED
        throw error
      }
      if (stored === false) return (await wasMoved(id, context)) ? MOVED : undefined // asked only when the write failed
      if (stored) record.extra = stored.extra
      return signId(id, keyring)
    },
    async move(record, context, { from, grace }) {
      const { keyring, now, ttl } = context
      const toId = record.id!
      const fromId = from.id!
      const next = storedOf(record, ttl)
      const forwardUntil = grace > 0 ? now + grace : 0
      const stored = keeper.move
        ? await keeper.move(fromId, toId, next, now, new MoveCallOptions(context, forwardUntil, from.extra))
        : await moveWithoutForward(fromId, toId, next, context)
      if (stored === false) return (await wasMoved(fromId, context)) ? MOVED : undefined
      if (stored) record.extra = stored.extra
      return signId(toId, keyring)
    },
    async delete(record, context) {
      if (record.id) await keeper.delete(record.id, callOptions(context))
    },
    async get(id, context) {
      const { now, ttl } = context
      if (!ID_SHAPE.test(id)) return undefined
      const stored = await keeper.get(id, now, callOptions(context))
      if (!stored || stored.expiresAt <= now || stored.moved) return undefined
      return recordOf(id, stored, ttl)
    },
    cookieValue: (id, { keyring }) => signId(id, keyring),
  }
  /** Whether `id` holds a forward: asked only after a conditional write failed, never on the hot path. */
  async function wasMoved(id: string, context: StoreContext): Promise<boolean> {
    if (!keeper.move) return false // only move() leaves forwards
    const stored = await keeper.get(id, context.now, callOptions(context, false, true))
    return stored?.moved === true && stored.expiresAt > context.now
  }

  /**
   * A move for a keeper without `move()`: check, write, delete. Not atomic (a
   * revoke between the check and the write is lost) and no forward is left.
   */
  async function moveWithoutForward(
    fromId: string,
    toId: string,
    next: StoredRecord,
    context: StoreContext,
  ): Promise<StoredRecord | void | false> {
    const { now } = context
    const current = await keeper.get(fromId, now, callOptions(context))
    if (!current || current.expiresAt <= now || current.moved) return false
    const stored = await keeper.set(toId, next, now, callOptions(context))
    if (stored === false) return false
    await keeper.delete(fromId, callOptions(context))
    return stored
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
