/**
 * Event → request: Architect's conveniences (`method`, `path`, `query`,
 * `params`, `rawBody`, v2 back-fills) on a copy of the event, and the web
 * `Request` the session engine reads the cookie from.
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

/**
 * The `Cookie` header of an event as Architect reads it: the `cookie` (or
 * `Cookie`) header, else v2's `cookies` array joined with `;`.
 *
 * @param event the API Gateway event (or any object with `headers` / `cookies`)
 */
export function cookieHeaderOf(event: Pick<ArcEvent, 'headers' | 'cookies'>): string | undefined {
  const header = event.headers?.cookie || event.headers?.Cookie
  if (header) return header
  if (Array.isArray(event.cookies) && event.cookies.length > 0) return event.cookies.join(';')
  return undefined
}

/**
 * The web `Request` the engine loads the session from. Only the cookie
 * matters to the engine, so only it is carried.
 *
 * @param event the API Gateway event
 */
export function toFetchRequest(event: Pick<ArcEvent, 'headers' | 'cookies'>): Request {
  let cookie = cookieHeaderOf(event)
  // A header value must be a byte string without control characters; an event may carry
  // anything (API Gateway passes UTF-8 through). Cookies that could not be sesh's are dropped.
  if (typeof cookie === 'string' && !HEADER_VALUE.test(cookie)) {
    cookie = cookie.split(';').filter((pair) => HEADER_VALUE.test(pair)).join(';')
  }
  return new Request('http://localhost/', typeof cookie === 'string' && cookie ? { headers: { cookie } } : {})
}

const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/
