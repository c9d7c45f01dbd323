/**
 * `withSession()`: a session for any `(request) => Response` handler.
 *
 * @module
 */
import { SessionStoreUnavailableError } from '../errors.js'
import type { SessionOptions } from './options.js'
import type { Session } from './session.js'
import { createSessions } from './engine.js'
import type { SessionData } from '../stores/contract.js'
import { type StoreErrorHandler, storeUnavailableResponse } from '../unavailable.js'

/** Options of {@link withSession}. */
export interface WithSessionOptions extends SessionOptions {
  /**
   * The response when the store fails.
   * @default a plain-text 503
   */
  onStoreError?: StoreErrorHandler | undefined
}

/**
 * Wraps a fetch handler so it receives the request's session; the session is
 * committed onto whatever it returns.
 *
 * @example
 * ```ts
 * export default {
 *   fetch: withSession(async (request, session) => {
 *     const count = ((await session.get('count')) ?? 0) + 1
 *     session.set('count', count)
 *     return new Response(String(count))
 *   }),
 * }
 * ```
 * @param handler the fetch handler
 * @param options session options
 */
export function withSession<Data extends object = SessionData, Args extends unknown[] = unknown[]>(
  handler: (request: Request, session: Session<Data>, ...rest: Args) => Response | Promise<Response>,
  options: WithSessionOptions = {},
): (request: Request, ...rest: Args) => Promise<Response> {
  if (typeof handler !== 'function') throw new TypeError('withSession() takes a handler function')
  const sessions = createSessions<Data>(options)
  const onStoreError = options.onStoreError ?? storeUnavailableResponse
  return async function sessionHandler(request, ...rest) {
    try {
      const session = await sessions.load(request)
      const response = await handler(request, session, ...rest)
      return await sessions.commit(session, response)
    } catch (error) {
      if (error instanceof SessionStoreUnavailableError) return onStoreError(error, request)
      throw error
    }
  }
}
