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
  return toPlain(runtime.open(sessionCookieValue(request, runtime.config.cookieName)), runtime)
}

/**
 * Writes `data` as the whole session and returns the `Set-Cookie` value. For
 * server-side stores, `data._idx` names the session to overwrite (as read by
 * {@link readSession}); without it, or when that session no longer exists, a
 * new one is made. Empty data gives a cookie that ends the session. Data from
 * `regenerate()` is written under a new id.
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
  applyPlain(session, data)
  if (wantsNewId(data)) session.regenerate()
  const written = await runtime.saveCookie(session)
  if (written) return written
  const hasData = Object.keys(data).some((key) => !RESERVED_KEYS.has(key) && data[key] !== undefined)
  // nothing to write: an empty session ends, an unchanged server-side one keeps its signed id
  return setCookie(config, hasData && session.id ? await sessions.byId.cookieValue(session.id) : null)
}
