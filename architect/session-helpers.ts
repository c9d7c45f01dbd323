/**
 * `session.read(request)` and `session.write(data)`: Architect's
 * `arc.http.session`, over the engine's cookie-value door.
 *
 * @module
 */
import { RESERVED_KEYS } from '../src/index.js'
import { applyPlain, toPlain } from './plain.js'
import { wantsNewId } from './regenerate.js'
import type { Runtime } from './runtime.js'
import { sessionCookieValue, setCookie } from './session-cookie.js'
import type { ArcEvent, PlainSession } from './types.js'

/**
 * The session of a request (an API Gateway event, or anything with `headers`
 * and v2 `cookies`) as a plain object.
 *
 * @param runtime the runtime
 * @param request the request
 */
export async function readSession(runtime: Runtime, request: Pick<ArcEvent, 'headers' | 'cookies'>): Promise<PlainSession> {
  if (request === null || typeof request !== 'object') throw new TypeError('session.read() takes a request object')
  const value = sessionCookieValue(request, runtime.config.cookieName)
  return toPlain(runtime.open(value), runtime, value)
}

/**
 * Writes `data` as the whole session and returns the `Set-Cookie` value. For
 * server-side stores, `data._idx` names the session to overwrite (as read by
 * {@link readSession}); without it, a new one is made. A session that was
 * live when read (`_ttl` or `_secret` beside `_idx`) and has ended since —
 * revoked, destroyed, expired — is never made again: the cookie returned ends
 * it. One moved to a new id by another request's `regenerate()` meanwhile is
 * not written either, and the value is `''` (no cookie: the browser keeps the
 * new one, and this request never learns it). Empty data gives a cookie that
 * ends the session. Data from `regenerate()` is written under a new id.
 *
 * @param runtime the runtime
 * @param data the session data
 */
export async function writeSession(runtime: Runtime, data: PlainSession): Promise<string> {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new TypeError('session.write() takes a plain object')
  const { sessions, config } = runtime
  const id = runtime.kind === 'server' && typeof data._idx === 'string' ? data._idx : undefined
  const session = runtime.open(id ? await sessions.byId.cookieValue(id) : undefined)
  await session.load()
  if (session.info.moved) return '' // lost to a regenerate(): neither the new id nor an expiry
  if (id && session.isNew && (data._ttl !== undefined || data._secret !== undefined)) {
    return setCookie(config, null) // ended out of band since it was read: never brought back, not even under a new id
  }
  applyPlain(session, data)
  if (wantsNewId(data)) session.regenerate()
  const written = await runtime.saveCookie(session)
  if (written) return written
  const hasData = Object.keys(data).some((key) => !RESERVED_KEYS.has(key) && data[key] !== undefined)
  // nothing to write: an empty session ends, an unchanged server-side one keeps its signed id
  return setCookie(config, hasData && session.id ? await sessions.byId.cookieValue(session.id) : null)
}
