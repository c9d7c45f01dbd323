/**
 * The cookie doors out: a saved session as `Set-Cookie` header values (one
 * cookie, or its chunks and the expiry of the chunks it no longer uses), and
 * a response carrying them.
 *
 * @module
 */
import { chunkCount, chunkedCookies, expiredCookies } from '../cookie/chunks.js'
import { sessionCookie } from '../cookie/cookie.js'
import { cookieAttributesFor } from './lifecycle.js'
import { persist } from './persist.js'
import { LIFETIME, type Session } from './session.js'
import type { EngineState } from './state.js'
import type { SavedCookie } from './types.js'

/**
 * The chunk numbers (1 and up) the session's request carried.
 *
 * @param state the engine's state
 * @param session a session of this engine
 */
export function carriedChunks(state: EngineState, session: object): readonly number[] {
  const carried = state.carriedBy.get(session)
  if (typeof carried !== 'string') return carried ?? []
  // opened by value: the chunks that value was sent as
  const count = Math.min(chunkCount(state.cookieName, carried, state.cookieAttributes), state.chunks?.max ?? 1)
  return Array.from({ length: count - 1 }, (_, i) => i + 1)
}

/**
 * Writes the session if it needs it and returns the cookie to send, or `undefined` for none.
 *
 * @param state the engine's state
 * @param session a session of this engine
 */
export async function saveCookie<Data extends object>(state: EngineState, session: Session<Data>): Promise<SavedCookie | undefined> {
  const value = await persist(state, session)
  if (value === undefined) return undefined
  const { cookieName, chunks } = state
  let { cookieAttributes } = state
  if (value !== null) {
    const life = session[LIFETIME]()
    if (life !== undefined) cookieAttributes = cookieAttributesFor(state, life) // setLifetime(): its Max-Age, or none
  }
  const headers =
    value === null
      ? expiredCookies(cookieName, cookieAttributes, carriedChunks(state, session))
      : chunks
        ? chunkedCookies(cookieName, value, cookieAttributes, chunks, carriedChunks(state, session))
        : [sessionCookie(cookieName, value, cookieAttributes)]
  return { value, header: headers[0]!, headers }
}

/**
 * As {@link saveCookie}, the one `Set-Cookie` value only; a `TypeError` with chunked cookies, which may need several.
 *
 * @param state the engine's state
 * @param session a session of this engine
 */
export async function save<Data extends object>(state: EngineState, session: Session<Data>): Promise<string | undefined> {
  if (state.chunks) {
    throw new TypeError(
      'save() returns one Set-Cookie value, and this cookie store may split a session over several cookies (chunks): ' +
        'use commit(session, response), or saveCookie(session) and send every entry of its headers',
    )
  }
  return (await saveCookie(state, session))?.header
}

/**
 * A copy of `response` with the session's `Set-Cookie` headers appended, or `response` itself when nothing needs sending.
 *
 * @param state the engine's state
 * @param session a session of this engine
 * @param response the handler's response
 */
export async function commit<Data extends object>(state: EngineState, session: Session<Data>, response: Response): Promise<Response> {
  const saved = await saveCookie(state, session)
  if (saved === undefined) return response
  const copy = new Response(response.body, response)
  for (const header of saved.headers) copy.headers.append('set-cookie', header)
  return copy
}
