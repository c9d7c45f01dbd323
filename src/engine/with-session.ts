/**
 * `withSession()`: a session for any `(request) => Response` handler.
 *
 * @module
 */
import { bindingsPerRequest } from './environment.js'
import { SessionStoreUnavailableError } from '../errors.js'
import { resolveConfigFrom, type SessionOptions } from './options.js'
import type { Session } from './session.js'
import { createSessions, type Sessions } from './engine.js'
import type { SessionData } from '../stores/contract.js'
import { type StoreErrorHandler, storeUnavailableResponse } from '../unavailable.js'

/** The bindings of a call that has none: one object, so the per-bindings cache still hits. */
const NO_BINDINGS = Object.freeze({})

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
 * Without an `env` option, settings come from the runtime's environment
 * (`process.env`, `Deno.env`), read once; on Workers, from the bindings the
 * handler receives after the request (`fetch(request, env)`), per bindings object.
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
  if (options === null || typeof options !== 'object') throw new TypeError('withSession() options must be an object')
  const onStoreError = options.onStoreError ?? storeUnavailableResponse
  // On Workers the bindings arrive with each request: an engine per bindings object, so keys are imported once.
  const perBindings = options.env === undefined && bindingsPerRequest() ? new WeakMap<object, Sessions<Data>>() : undefined
  const single = perBindings ? undefined : createSessions<Data>(options)
  const engineFor = (bindings: unknown): Sessions<Data> => {
    if (single) return single
    const env = typeof bindings === 'object' && bindings !== null ? bindings : NO_BINDINGS
    let built = perBindings!.get(env)
    if (!built) {
      built = createSessions<Data>(resolveConfigFrom(options, { env, name: "the Worker's bindings (fetch's env)" }))
      perBindings!.set(env, built)
    }
    return built
  }
  return async function sessionHandler(request, ...rest) {
    try {
      const sessions = engineFor(rest[0])
      const session = await sessions.load(request)
      const response = await handler(request, session, ...rest)
      return await sessions.commit(session, response)
    } catch (error) {
      if (error instanceof SessionStoreUnavailableError) return onStoreError(error, request)
      throw error
    }
  }
}
