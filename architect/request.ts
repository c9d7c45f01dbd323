/**
 * Event → request: Architect's conveniences (`method`, `path`, `query`,
 * `params`, `rawBody`, v2 back-fills) on a copy of the event.
 *
 * @module
 */
import type { ArcEvent, ArcRequest } from './types.js'

const PLACEHOLDER = /\{(\w+)\}/g

/**
 * A copy of `event` shaped as Architect shapes it, without `session` and `body`
 * parsing (see `parseBody`). The event itself is not modified.
 *
 * @example
 * ```ts
 * const req = shapeRequest({ version: '2.0', routeKey: 'GET /', rawPath: '/', requestContext: { http: { method: 'GET' } } })
 * req.method // 'GET'
 * ```
 * @param event the API Gateway event
 */
export function shapeRequest(event: ArcEvent): Omit<ArcRequest, 'session'> {
  const req: Record<string, unknown> = { ...event }
  if (event.body) req.rawBody = event.body
  if (event.version === '2.0') {
    const method = event.requestContext?.http?.method
    if (method) req.httpMethod = method
    for (const key of ['body', 'pathParameters', 'queryStringParameters'] as const) {
      if (req[key] === undefined) req[key] = {}
    }
    const routeKey = event.routeKey ?? ''
    req.resource = routeKey.split(' ')[1] || routeKey
    req.path = event.rawPath
  }
  for (const key of ['body', 'pathParameters', 'queryStringParameters', 'multiValueQueryStringParameters'] as const) {
    if (req[key] === null) req[key] = {}
  }
  req.headers ??= {}
  req.method ??= req.httpMethod
  req.params ??= req.pathParameters
  req.query ??= req.queryStringParameters
  if (typeof req.path === 'string' && req.path.includes('{')) {
    const params = (req.params ?? {}) as Record<string, unknown>
    req.path = req.path.replace(PLACEHOLDER, (_, name: string) => String(params[name]))
  }
  return req as Omit<ArcRequest, 'session'>
}
