/**
 * `session.read(request)` and `session.write(data)`: Architect's
 * `arc.http.session`, over the core engine.
 *
 * @module
 */
import { expiredCookie, sessionCookie } from '../../src/cookie.js'
import { signId } from '../../src/crypto.js'
import { RESERVED_KEYS } from '../../src/session.js'
import { applyPlain, toPlain } from './plain.js'
import { wantsNewId } from './regenerate.js'
import { sessionCookieValue, withExpires } from './session-cookie.js'
import type { Runtime } from './runtime.js'
import type { ArcEvent, PlainSession } from './types.js'

/**
 * The session of a request (an API Gateway event, or anything with `headers`
 * and v2 `cookies`) as a plain object.
 *
 * @param runtime the engine
 * @param request the request
 */
export async function readSession(runtime: Runtime, request: Pick<ArcEvent, 'headers' | 'cookies'>): Promise<PlainSession> {
  if (request === null || typeof request !== 'object') throw new TypeError('session.read() takes a request object')
  const session = await runtime.open(sessionCookieValue(request, runtime.cookieName))
  await session.load()
  return toPlain(session, runtime)
}

/**
 * Writes `data` as the whole session and returns the `Set-Cookie` value. For
 * server-side stores, `data._idx` names the session to overwrite (as read by
 * {@link readSession}); without it, or when that session no longer exists, a
 * new one is made. Empty data gives a cookie that ends the session.
 *
 * @param runtime the engine
 * @param data the session data
 */
export async function writeSession(runtime: Runtime, data: PlainSession): Promise<string> {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new TypeError('session.write() takes a plain object')
  const { sessions } = runtime
  const { cookieName, cookieAttributes } = sessions.options
  const id = runtime.kind === 'server' && typeof data._idx === 'string' ? data._idx : undefined
  const session = await runtime.open(id ? await signId(id, runtime.signing) : undefined)
  await session.load()
  applyPlain(session, data)
  if (wantsNewId(data)) session.regenerate()
  const written = await runtime.saveCookie(session)
  if (written) return written
  const hasData = Object.keys(data).some((key) => !RESERVED_KEYS.has(key) && data[key] !== undefined)
  const now = runtime.now()
  if (!hasData) return withExpires(expiredCookie(cookieName, cookieAttributes), now)
  // unchanged server-side session: the same signed id
  return withExpires(sessionCookie(cookieName, await signId(session.id!, runtime.signing), cookieAttributes), now)
}
