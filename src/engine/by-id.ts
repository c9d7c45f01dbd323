/**
 * The by-id door: sessions by id, server stores only. No cookie and no
 * signature check — for code that holds an id from elsewhere (a WebSocket
 * connection table, an admin tool). The request doors never lead here.
 *
 * @module
 */
import { SessionServerStoreRequiredError } from '../errors.js'
import { callHook } from './lifecycle.js'
import { live } from './open.js'
import { persist } from './persist.js'
import { type LoadResult, Session } from './session.js'
import { type EngineState, storeContext } from './state.js'
import type { SessionData, SessionStore } from '../stores/contract.js'

/** A store that keeps sessions by id. */
type ServerStore = SessionStore & Required<Pick<SessionStore, 'get' | 'cookieValue'>>

/**
 * The engine's store, if it keeps sessions by id; otherwise a {@link SessionServerStoreRequiredError}.
 *
 * @param state the engine's state
 * @param what the call, for the message
 */
function serverStore(state: EngineState, what: string): ServerStore {
  const { store } = state
  if (store.stateless || !store.get || !store.cookieValue) {
    throw new SessionServerStoreRequiredError(
      `${what} needs a server-side store (memory, DynamoDB, Redis, KV or your own): the cookie store keeps no session on a server, ` +
        'so a session cannot be read, saved or deleted by id.',
    )
  }
  return store as ServerStore
}

function checkId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id === '') throw new TypeError('A session id must be a non-empty string')
}

/**
 * The live session with this id, loaded; `undefined` when there is none or it expired.
 *
 * @param state the engine's state
 * @param id the session id
 */
export async function loadById<Data extends object = SessionData>(state: EngineState, id: string): Promise<Session<Data> | undefined> {
  const server = serverStore(state, 'byId.load()')
  checkId(id)
  const ctx = storeContext(state)
  const record = await server.get(id, ctx)
  if (!record) return undefined
  const found = live(state, record, 0, ctx.now)
  if (!found.record) return undefined
  let first: LoadResult | undefined = found
  const session = new Session<Data>(
    async () => {
      if (first) {
        const result = first
        first = undefined
        return result
      }
      // reload() reads the store again by id
      const again = storeContext(state)
      const current = await server.get(id, again)
      return current ? live(state, current, 0, again.now) : {}
    },
    { hadCookie: true, newId: state.newId, origin: state, now: state.now, devices: state.devices },
  )
  await session.load()
  return session
}

/**
 * Writes `session` under its id and sends no cookie.
 *
 * @param state the engine's state
 * @param session a session of this engine
 */
export async function saveById<Data extends object>(state: EngineState, session: Session<Data>): Promise<void> {
  serverStore(state, 'byId.save()')
  await persist(state, session)
}

/**
 * Forgets the session with this id (no error when it does not exist).
 *
 * @param state the engine's state
 * @param id the session id
 */
export async function deleteById(state: EngineState, id: string): Promise<void> {
  const server = serverStore(state, 'byId.delete()')
  checkId(id)
  await server.delete({ id, data: {}, issuedAt: 0 }, storeContext(state))
  if (state.hooks !== undefined) callHook(state.hooks.onRevoke, { id, by: 'byId' })
}

/**
 * The cookie value (`<id>.<signature>`, newest secret) that names this id.
 *
 * @param state the engine's state
 * @param id the session id
 */
export async function cookieValueById(state: EngineState, id: string): Promise<string> {
  const server = serverStore(state, 'byId.cookieValue()')
  checkId(id)
  return server.cookieValue(id, storeContext(state))
}
