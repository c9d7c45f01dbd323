/**
 * `seshjs/architect`: Architect's `arc.http` — handlers that return
 * `{ session, location }`, `{ html }`, `{ json }` — over sesh's session engine,
 * wire-compatible with `@architect/functions` 8 cookies and DynamoDB items.
 *
 * Swap `require('@architect/functions').http` for `require('seshjs/architect').http`.
 *
 * @module
 */
import type { ArcHandler } from './chain.js'
import { createCsrf, type Csrf } from './csrf.js'
import { type LambdaHandler, makeHandler } from './http.js'
import { type ArchitectOptions, runtimes } from './runtime.js'
import { readSession, writeSession } from './session-helpers.js'
import type { ArcEvent, ArcRequest, PlainSession } from './types.js'

export { regenerate } from './regenerate.js'
export { ws, SESSION_ENDED, type WsConnections, type WsHandler, type WsOptions, type WsRequest, type WsResult } from './ws.js'
export type { ArcHandler } from './chain.js'
export type { Csrf } from './csrf.js'
export type { LambdaCallback, LambdaHandler } from './http.js'
export type { ArchitectOptions, Env } from './runtime.js'
export type { ArcEvent, ArcRequest, ArcResponse, ArcResult, PlainSession } from './types.js'

/** `http(...fns)`, with `http.async(...fns)` as an alias. */
export interface Http {
  /**
   * A Lambda handler chaining `fns`. Each gets the request (`req.session` is a
   * plain object) and returns nothing (next function), a request (next
   * function, with it) or a response (stop).
   */
  <Req extends ArcRequest = ArcRequest>(...fns: ArcHandler<Req>[]): LambdaHandler
  /** The same handler; every function is called as `fn(req, context)`. */
  async<Req extends ArcRequest = ArcRequest>(...fns: ArcHandler<Req>[]): LambdaHandler
}

/** `session.read` / `session.write`, like `arc.http.session`. */
export interface SessionHelpers {
  /**
   * The session of a request (an API Gateway event) as a plain object.
   *
   * @param request the event
   */
  read(request: Pick<ArcEvent, 'headers' | 'cookies'>): Promise<PlainSession>
  /**
   * Writes `data` as the whole session and returns the `Set-Cookie` value.
   *
   * @param data the session (for DynamoDB, with the `_idx` that `read` gave)
   */
  write(data: PlainSession): Promise<string>
}

/** What {@link createArchitect} returns. */
export interface Architect {
  http: Http
  session: SessionHelpers
  csrf: Csrf
}

/**
 * An Architect-style toolkit bound to `options`. The engine is built on first
 * use from the options and the `ARC_*` environment (`process.env` by default),
 * and rebuilt when those variables change between calls, as Architect re-reads
 * them on every call. The module's own `http`, `session` and `csrf` come from
 * `createArchitect()`.
 *
 * @example
 * ```ts
 * const { http } = createArchitect({ env: { ...process.env, ARC_SESSION_TTL: '3600' } })
 * export const handler = http(async (req) => ({ json: { user: req.session.user ?? null } }))
 * ```
 * @param options session options (or a function returning them, called on each use)
 */
export function createArchitect(options: ArchitectOptions | (() => ArchitectOptions) = {}): Architect {
  const runtime = runtimes(options)
  const http = ((...fns: ArcHandler[]) => makeHandler(runtime, fns, false)) as Http
  http.async = ((...fns: ArcHandler[]) => makeHandler(runtime, fns, true)) as Http['async']
  return {
    http,
    session: {
      read: async (request) => readSession(runtime(), request),
      write: async (data) => writeSession(runtime(), data),
    },
    csrf: createCsrf(() => runtime().config),
  }
}

const architect = createArchitect()

/**
 * A Lambda handler for API Gateway (REST and HTTP API, payload 1.0 and 2.0),
 * like `arc.http`: the session is read before the first function and written
 * when a response carries `session`.
 *
 * @example
 * ```ts
 * import { http } from 'seshjs/architect'
 * export const handler = http(async (req) => {
 *   const count = (req.session.count ?? 0) + 1
 *   return { session: { ...req.session, count }, location: '/' }
 * })
 * ```
 */
export const http: Http = architect.http

/**
 * Read and write sessions outside `http()`, like `arc.http.session`.
 *
 * @example
 * ```ts
 * const data = await session.read(event)
 * const setCookie = await session.write({ ...data, seen: true })
 * ```
 */
export const session: SessionHelpers = architect.session

/**
 * CSRF tokens in Architect's format (`arc.http.csrf`), compared in constant time.
 *
 * @example
 * ```ts
 * const token = csrf.create()        // put it in the form
 * if (!csrf.verify(req.body.csrf)) return { status: 403, text: 'Forbidden' }
 * ```
 */
export const csrf: Csrf = architect.csrf
