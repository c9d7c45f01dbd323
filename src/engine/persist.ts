/**
 * The write: from a session's snapshot, what to store (nothing, a renewal, a
 * write, a move to a new id, a deletion) and the cookie value that follows.
 *
 * @module
 */
import { assertJsonValue } from '../json.js'
import { Session, SNAPSHOT } from './session.js'
import { type EngineState, storeContext } from './state.js'
import { SessionConflictError, SessionStoreUnavailableError } from '../errors.js'
import { callHook, enforceCap } from './lifecycle.js'
import { AUTH_KEY, LIFE_KEY, META_KEY, MOVED, type SessionData, type SessionRecord } from '../stores/contract.js'

/** Whether `data` holds nothing but sesh's own keys (lifetime, authentication, metadata): nothing to keep. */
function holdsNothing(data: Readonly<SessionData>): boolean {
  for (const key in data) if (key !== LIFE_KEY && key !== AUTH_KEY && key !== META_KEY) return false
  return true
}

/**
 * Writes what the session needs and returns the new cookie value (`null`: expire it), or `undefined` for no cookie.
 *
 * @param state the engine's state
 * @param session a session of this engine
 */
export function persist<Data extends object>(state: EngineState, session: Session<Data>): Promise<string | null | undefined> {
  // not async: without hooks, no promise of its own around the write
  return state.hooks === undefined ? write(state, session) : writeWithHooks(state, session)
}

/** {@link persist} telling the engine's `onConflict` and `onStoreFailure` of a failed write. */
async function writeWithHooks<Data extends object>(state: EngineState, session: Session<Data>): Promise<string | null | undefined> {
  try {
    return await write(state, session)
  } catch (error) {
    if (error instanceof SessionConflictError) callHook(state.hooks?.onConflict, { id: session[SNAPSHOT]().record?.id, error })
    else if (error instanceof SessionStoreUnavailableError) callHook(state.hooks?.onStoreFailure, { operation: 'write', error })
    throw error
  }
}

async function write<Data extends object>(state: EngineState, session: Session<Data>): Promise<string | null | undefined> {
  if (!(session instanceof Session)) throw new TypeError('Expected a session from this engine')
  const { store, grace } = state
  let { touchAfter, maxAge } = state
  let snapshot = session[SNAPSHOT]()
  if (!snapshot.touched) return undefined
  if (!snapshot.loaded) {
    await session.load()
    snapshot = session[SNAPSHOT]()
  }
  // An id another request moved (its regenerate()): this request's view is stale and must not learn the
  // new id, nor expire the cookie that now holds it. Nothing is written, no cookie is sent.
  if (snapshot.moved) return undefined
  const { life } = snapshot
  let ttl = state.ttl
  if (life !== undefined) {
    // the session's own lifetime (setLifetime()): its expiries, and a renewal within half its ttl
    if (life.ttl !== undefined) {
      ttl = life.ttl
      touchAfter = Math.min(touchAfter, Math.floor(ttl / 2))
    }
    if (life.maxAge !== undefined) maxAge = life.maxAge
  }
  const ctx = storeContext(state, ttl)
  const old = snapshot.record
  const renewalDue = old !== undefined && (ctx.now - old.issuedAt >= touchAfter || snapshot.keyIndex > 0)
  // Nothing changed, nothing handed out that could have changed in place, no renewal due: nothing to do.
  if (snapshot.originalJson === undefined && old !== undefined && !renewalDue && !snapshot.loadedEmpty) return undefined
  // a renewal from a request whose meta(request) differs from the stored one writes the record, not only its expiry
  const metaChanged = renewalDue && snapshot.metaChanged

  // the data to write, as of the snapshot (no await since): a copy, taken only now that a write may follow
  const { data } = session[SNAPSHOT](true)

  if (holdsNothing(data)) {
    if (old) {
      await store.delete(old, ctx)
      if (state.hooks?.onDestroy) callHook(state.hooks.onDestroy, { id: old.id })
    }
    // an unreadable cookie is left alone unless the handler ended the session
    return snapshot.hadCookie && (old !== undefined || snapshot.destroyed) ? null : undefined
  }

  const moved = old !== undefined && old.id !== snapshot.currentId
  // A session never changed nor handed out holds what was loaded, valid JSON (a new one holds nothing,
  // caught above); otherwise check every value first (in-place changes too), then compare.
  const pristine = snapshot.originalJson === undefined
  if (!pristine) for (const key of Object.keys(data)) assertJsonValue(key, data[key])
  const changed = !pristine && JSON.stringify(data) !== snapshot.originalJson
  if (!changed && !renewalDue && !moved && !snapshot.regenerated) return undefined

  if (!changed && !moved && !snapshot.regenerated && !metaChanged && store.touch) {
    // A renewal only: move the expiry, never write this request's (possibly stale) copy of the data.
    const value = await store.touch({ ...old!, issuedAt: ctx.now }, ctx)
    return value
  }

  const continued = old !== undefined && !snapshot.destroyed
  const record: SessionRecord = {
    id: snapshot.currentId,
    data,
    issuedAt: ctx.now,
    // kept with an absolute lifetime, and when the engine lists a user's sessions or records metadata
    createdAt:
      maxAge === undefined && state.config.userKey === undefined && state.config.meta === undefined
        ? undefined
        : continued
          ? (old.createdAt ?? old.issuedAt)
          : ctx.now,
    extra: moved ? undefined : old?.extra,
  }
  let value: string | undefined | typeof MOVED
  if (continued && moved && store.move) {
    // regenerate(): the new id is written only while the old session is live, in one step per store
    value = await store.move(record, ctx, { from: old, grace })
  } else {
    const update = continued && !moved && old.id !== undefined
    value = await store.write(record, ctx, { update })
    if (moved && typeof value === 'string') await store.delete(old, ctx) // after the write: a failure leaves the old session intact
  }
  if (value === MOVED) return undefined // lost to another request's regenerate(): the visitor's new cookie stays
  if (value === undefined) return snapshot.hadCookie ? null : undefined // ended out of band meanwhile: not brought back
  if (state.hooks !== undefined) {
    if (!continued) callHook(state.hooks.onCreate, { id: record.id })
    else if (snapshot.regenerated) callHook(state.hooks.onRegenerate, { id: record.id, previousId: old.id })
    if (continued === false && old !== undefined) callHook(state.hooks.onDestroy, { id: old.id }) // destroy() then new data
  }
  if (snapshot.regenerated && state.config.maxSessionsPerUser !== undefined) {
    // best effort, after the login's write: a store failure here must not cost the visitor the new session's cookie
    try {
      await enforceCap(state, data, record.id)
    } catch (error) {
      if (error instanceof SessionStoreUnavailableError) callHook(state.hooks?.onStoreFailure, { operation: 'write', error })
      else throw error
    }
  }
  return value
}
