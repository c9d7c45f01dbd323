/**
 * `http(...fns)`: a Lambda handler for API Gateway events that reads the
 * session, shapes the request, runs the chain and formats the response with
 * every `Set-Cookie` — Architect's `arc.http`, over the core engine.
 *
 * @module
 */
import { SessionStoreUnavailableError } from '../../src/errors.js'
import { storeUnavailableResponse } from '../../src/unavailable.js'
import { InvalidBodyError, parseBody } from './body.js'
import { type ArcHandler, runChain } from './chain.js'
import { placeCookies } from './cookies.js'
import { NO_CACHE } from './error-page.js'
import { applyPlain, toPlain } from './plain.js'
import { shapeRequest, toFetchRequest } from './request.js'
import { formatResponse } from './response.js'
import type { Runtime } from './runtime.js'
import type { ArcEvent, ArcRequest, ArcResult } from './types.js'

/** A Lambda handler made by `http()`. */
export type LambdaHandler = (event: ArcEvent, context?: unknown) => Promise<ArcResult>

async function unavailable(): Promise<ArcResult> {
  const response = storeUnavailableResponse(new Error('session store unavailable'), new Request('http://localhost/'))
  const resolved = await response
  return { statusCode: resolved.status, headers: Object.fromEntries(resolved.headers), body: await resolved.text() }
}

function badRequest(message: string): ArcResult {
  return { statusCode: 400, headers: { 'content-type': 'text/plain; charset=utf8', 'cache-control': NO_CACHE }, body: message }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Error)

/**
 * Makes the Lambda handler.
 *
 * @param runtime the lazily built engine
 * @param fns the functions to chain
 * @param asyncMode made with `http.async()`
 */
export function makeHandler(runtime: () => Promise<Runtime>, fns: readonly ArcHandler[], asyncMode: boolean): LambdaHandler {
  for (const fn of fns) if (typeof fn !== 'function') throw new TypeError(`${String(fn)} not a function`)
  if (fns.length === 0) throw new TypeError('http() needs at least one function')

  return async function lambda(event, context) {
    if (event === null || typeof event !== 'object') throw new TypeError('The event must be an API Gateway event object')
    const rt = await runtime()
    const session = await rt.sessions.load(toFetchRequest(event))
    let req: ArcRequest
    try {
      await session.load()
      req = { ...shapeRequest(event), session: await toPlain(session, rt) } as ArcRequest
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

    const { req: last, response } = await runChain(fns, req, context, asyncMode)
    if (response === undefined && last.version !== '2.0') {
      throw new Error('Finished all functions without returning a response.')
    }
    const result = formatResponse(last, response, { production: rt.production })
    const params = isPlainObject(response) ? response : {}

    let sessionCookie: string | undefined
    if (isPlainObject(params.session)) applyPlain(session, params.session)
    // Saved on every answered request, not only when it returns `session`: the engine writes
    // nothing for an unchanged session except the throttled renewal, so sessions in use live on.
    if (!(response instanceof Error)) {
      try {
        sessionCookie = await rt.sessions.save(session)
      } catch (error) {
        if (error instanceof SessionStoreUnavailableError) return unavailable()
        throw error
      }
    }
    return placeCookies(result, last.version, [params.cookie as string | undefined, sessionCookie])
  }
}
