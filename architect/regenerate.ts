/**
 * Session id rotation in Architect's style: `return { session: regenerate({ ...req.session, user }), location }`
 * writes the session under a new id and ends the old one, so a cookie planted
 * before a login (session fixation) is worth nothing after it.
 *
 * @module
 */
import type { PlainSession } from './types.js'

const NEW_ID: unique symbol = Symbol('seshjs/architect regenerate')

/**
 * `session`, marked to be written under a new session id: the old id stops
 * working (with DynamoDB sessions its item is deleted), the data carries over.
 * Use it whenever privileges change, above all at login. With cookie (JWE)
 * sessions, which have no id, the cookie is sealed afresh.
 *
 * The mark is on the object returned, not on copies of it: return it as the
 * `session` key (or pass it to `session.write()`).
 *
 * @example
 * ```ts
 * export const handler = http(async (req) => {
 *   if (!(await checkPassword(req.body))) return { status: 401, html: 'Try again' }
 *   return { session: regenerate({ ...req.session, user: req.body.username }), location: '/account' }
 * })
 * ```
 * @param session the new session data
 */
export function regenerate<Session extends PlainSession>(session: Session): Session {
  if (session === null || typeof session !== 'object' || Array.isArray(session)) throw new TypeError('regenerate() takes a plain object')
  const copy = { ...session }
  Object.defineProperty(copy, NEW_ID, { value: true })
  return copy
}

/**
 * Whether `session` came from {@link regenerate}.
 *
 * @param session a session object a handler returned
 */
export function wantsNewId(session: object): boolean {
  return (session as { [NEW_ID]?: boolean })[NEW_ID] === true
}
