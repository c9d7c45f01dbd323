/**
 * The engine. One implementation, three doors:
 *
 * - by `Request`: `load(request)`, `commit(session, response)`, `save(session)`;
 * - by cookie value: `open(value)`, `saveCookie(session)` — for events that are
 *   not a `Request` (an Architect request object, a WebSocket `$connect`);
 * - by id: `byId` — server stores only, no cookie and no signature check, for
 *   code that holds an id from elsewhere (a connection table, an admin tool).
 *
 * The first two share every line; the request door is a cookie lookup over the
 * cookie-value door. Store-agnostic: every store goes through the same
 * `SessionStore` calls. This file wires the doors over one {@link EngineState};
 * the work is in open.ts (a session from a cookie), persist.ts (what to
 * write), set-cookie.ts (the `Set-Cookie` headers) and by-id.ts.
 *
 * @module
 */
import { cookieValueById, deleteById, loadById, saveById } from './by-id.js'
import { devicesOf } from './lifecycle.js'
import { open } from './open.js'
import { isSessionConfig, resolveConfig, type SessionConfig, type SessionOptions } from './options.js'
import { register } from './registry.js'
import { commit, save, saveCookie } from './set-cookie.js'
import { type EngineState, engineState } from './state.js'
import type { Sessions } from './types.js'
import type { SessionData } from '../stores/contract.js'

export type { CookieHeaderSource, SavedCookie, Sessions, SessionsById } from './types.js'
export { engineOf } from './registry.js'

/**
 * Creates the session engine for any fetch handler. Without an `env` option,
 * settings come from the runtime's environment (`process.env`, `Deno.env`),
 * read once, here; on Workers, whose bindings arrive with each request, pass
 * them as `env` (or use `withSession()` or the `sessions()` middleware).
 *
 * @example
 * ```ts
 * const sessions = createSessions<{ count: number }>() // ARC_APP_SECRET, ARC_ENV… from process.env
 * export default {
 *   async fetch(request: Request) {
 *     const session = await sessions.load(request)
 *     const count = ((await session.get('count')) ?? 0) + 1
 *     session.set('count', count)
 *     return sessions.commit(session, new Response(`count: ${count}`))
 *   },
 * }
 * ```
 * @param options secrets, store, cookie and expiry settings — or a configuration from {@link resolveConfig}
 */
export function createSessions<Data extends object = SessionData>(options: SessionOptions | SessionConfig = {}): Sessions<Data> {
  const config = isSessionConfig(options) ? options : resolveConfig(options)
  const state: EngineState = engineState(config, devicesOf)
  const engine: Sessions<Data> = {
    config,
    options: config,
    byId: {
      load: (id) => loadById<Data>(state, id),
      save: (session) => saveById(state, session),
      delete: (id) => deleteById(state, id),
      cookieValue: (id) => cookieValueById(state, id),
    },
    async load(request) {
      if (!(request instanceof Request)) throw new TypeError('load() takes a Request')
      return open<Data>(state, { header: request.headers.get('cookie'), request })
    },
    open: (cookie) => open<Data>(state, cookie),
    saveCookie: (session) => saveCookie(state, session),
    save: (session) => save(state, session),
    commit: (session, response) => commit(state, session, response),
  }
  register(state, engine)
  return engine
}
