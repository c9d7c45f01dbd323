/**
 * The write: from a session's snapshot, what to store (nothing, a renewal, a
 * write, a move to a new id, a deletion) and the cookie value that follows.
 *
 * @module
 */
import { assertJsonValue } from '../json.js'
import { Session, SNAPSHOT } from './session.js'
import { type EngineState, storeContext } from './state.js'
import { MOVED, type SessionRecord } from '../stores/contract.js'

/**
 * Writes what the session needs and returns the new cookie value (`null`: expire it), or `undefined` for no cookie.
 *
 * @param state the engine's state
 * @param session a session of this engine
 */
export async function persist<Data extends object>(state: EngineState, session: Session<Data>): Promise<string | null | undefined> {
  if (!(session instanceof Session)) throw new TypeError('Expected a session from this engine')
  const { store, touchAfter, maxAge, grace } = state
  let snapshot = session[SNAPSHOT]()
  if (!snapshot.touched) return undefined
  if (!snapshot.loaded) {
    await session.load()
    snapshot = session[SNAPSHOT]()
  }
  // An id another request moved (its regenerate()): this request's view is stale and must not learn the
  // new id, nor expire the cookie that now holds it. Nothing is written, no cookie is sent.
  if (snapshot.moved) return undefined
  const ctx = storeContext(state)
  const old = snapshot.record
  const renewalDue = old !== undefined && (ctx.now - old.issuedAt >= touchAfter || snapshot.keyIndex > 0)
  // Nothing changed, nothing handed out that could have changed in place, no renewal due: nothing to do.
  if (snapshot.originalJson === undefined && old !== undefined && !renewalDue && !snapshot.loadedEmpty) return undefined

  // the data to write, as of the snapshot (no await since): a copy, taken only now that a write may follow
  const { data } = session[SNAPSHOT](true)

  if (Object.keys(data).length === 0) {
    if (old) await store.delete(old, ctx)
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

  if (!changed && !moved && !snapshot.regenerated && store.touch) {
    // A renewal only: move the expiry, never write this request's (possibly stale) copy of the data.
    const value = await store.touch({ ...old!, issuedAt: ctx.now }, ctx)
    return value
  }

  const continued = old !== undefined && !snapshot.destroyed
  const record: SessionRecord = {
    id: snapshot.currentId,
    data,
    issuedAt: ctx.now,
    createdAt: maxAge === undefined ? undefined : continued ? (old.createdAt ?? old.issuedAt) : ctx.now,
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
  return value
}
