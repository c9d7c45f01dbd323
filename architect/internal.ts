/**
 * What sibling modules of `seshjs/architect` (such as an API Gateway WebSocket
 * helper, `ws.ts`) build on: the runtime of each call (the engine and its
 * resolved configuration, re-resolved when `ARC_*` changes), the session
 * cookie read from an event as Architect reads it and written as Architect
 * writes it, and the plain-object view of a session. Not part of the package's
 * public API: names here may change with the modules that use them.
 *
 * @example
 * ```ts
 * import { runtimes, sessionCookieValue, toPlain } from './internal.js'
 * const runtime = runtimes() // process.env, per call
 * export async function connect(event: ArcEvent) {
 *   const rt = runtime()
 *   const session = rt.open(sessionCookieValue(event, rt.config.cookieName))
 *   const plain = await toPlain(session, rt) // as req.session
 *   // keep session.id (server stores) against event.requestContext.connectionId; later rt.sessions.byId.load(id)
 * }
 * ```
 * @module
 */
export { runtimes, type ArchitectOptions, type Env, type Runtime } from './runtime.js'
export { cookieHeaderOf, sessionCookieValue, setCookie, withExpires } from './session-cookie.js'
export { applyPlain, toPlain } from './plain.js'
export { regenerate, wantsNewId } from './regenerate.js'
export type { ArcEvent, PlainSession } from './types.js'
