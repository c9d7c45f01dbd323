/**
 * `http(...fns)`: a Lambda handler for API Gateway events that reads the
 * session, shapes the request, runs the chain and formats the response with
 * every `Set-Cookie` — Architect's `arc.http`, over the core engine.
 *
 * @module
 */
import { SessionStoreUnavailableError, storeUnavailableResponse } from '../src/index.js'
import { InvalidBodyError, parseBody } from './body.js'
import { type ArcHandler, runChain } from './chain.js'
import { placeCookies } from './cookies.js'
import { NO_CACHE } from './error-page.js'
import { applyPlain, toPlain } from './plain.js'
import { wantsNewId } from './regenerate.js'
import { shapeRequest } from './request.js'
import { formatResponse } from './response.js'
import type { Runtime } from './runtime.js'
import { sessionCookieValue } from './session-cookie.js'
import type { ArcEvent, ArcRequest, ArcResult } from './types.js'

/** Lambda's callback: `callback(error)` or `callback(null, result)`. */
export type LambdaCallback = (error: unknown, result?: ArcResult) => void

/**
 * A Lambda handler made by `http()`. It always returns a Promise (async
 * runtimes); a callback-style chain also answers through `callback` when
 * Lambda passes one, as Architect's does.
 */
export type LambdaHandler = (event: ArcEvent, context?: unknown, callback?: LambdaCallback) => Promise<ArcResult>

async function unavailable(): Promise<ArcResult> {
  const response = await storeUnavailableResponse(new Error('session store unavailable'), new Request('http://localhost/'))
  return { statusCode: response.status, headers: Object.fromEntries(response.headers), body: await response.text() }
}

function badRequest(message: string): ArcResult {
  return { statusCode: 400, headers: { 'content-type': 'text/plain; charset=utf8', 'cache-control': NO_CACHE }, body: message }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Error)

/** Architect answers through the callback when its chain is callback style: `http()` whose first function is not `async`. */
const isCallbackChain = (fns: readonly ArcHandler[], asyncMode: boolean) => !asyncMode && fns[0]!.constructor.name !== 'AsyncFunction'

async function handle(
  runtime: () => Runtime,
  fns: readonly ArcHandler[],
  asyncMode: boolean,
  event: ArcEvent,
  context: unknown,
): Promise<ArcResult> {
  if (event === null || typeof event !== 'object') throw new TypeError('The event must be an API Gateway event object')
  const rt = runtime()
  const cookieValue = sessionCookieValue(event, rt.config.cookieName)
  const session = rt.open(cookieValue)
  let req: ArcRequest
  try {
    await session.load()
    req = { ...shapeRequest(event), session: await toPlain(session, rt, cookieValue) } as ArcRequest
  } catch (error) {
    if (error instanceof SessionStoreUnavailableError) return unavailable()
    throw error
  }
  try {
    req.body = parseBody(req)
  } catch (error) {
    if (error instanceof InvalidBodyError) return badRequest(error.message)
    throw error
  }

  const { req: last, response, answered } = await runChain(fns, req, context, asyncMode)
  if (!answered && last.version !== '2.0') throw new Error('Finished all functions without returning a response.')
  const result = formatResponse(last, response, { production: rt.config.production })
  const params = isPlainObject(response) ? response : {}

  let sessionCookie: string | undefined
  const writes = isPlainObject(params.session)
  if (writes) {
    applyPlain(session, params.session as Record<string, unknown>)
    if (wantsNewId(params.session as object)) session.regenerate()
  }
  // Saved on answered requests that write, or that carry a live session (its throttled renewal,
  // so sessions in use live on); an unreadable cookie with nothing written sends nothing, as in Architect.
  if (!(response instanceof Error) && (writes || !session.isNew)) {
    try {
      sessionCookie = await rt.saveCookie(session)
    } catch (error) {
      if (error instanceof SessionStoreUnavailableError) return unavailable()
      throw error
    }
  }
  return placeCookies(result, last.version, [params.cookie as string | undefined, sessionCookie])
}

/**
 * Makes the Lambda handler.
 *
 * @param runtime the runtime of each call
 * @param fns the functions to chain
 * @param asyncMode made with `http.async()`
 */
export function makeHandler(runtime: () => Runtime, fns: readonly ArcHandler[], asyncMode: boolean): LambdaHandler {
  for (const fn of fns) if (typeof fn !== 'function') throw new TypeError(`${String(fn)} not a function`)
  if (fns.length === 0) throw new TypeError('http() needs at least one function')
  const callbackChain = isCallbackChain(fns, asyncMode)

  return function lambda(event, context, callback) {
    const answer = handle(runtime, fns, asyncMode, event, context)
    if (!callbackChain || typeof callback !== 'function') return answer
    answer.then(
      (result) => callback(null, result),
      (error: unknown) => callback(error),
    )
    return answer
  }
}
