/** API Gateway events for tests, shaped like Architect's sandbox makes them. */
import type { ArcEvent } from 'seshjs/architect'

export interface EventInit {
  method?: string
  path?: string
  /** Route with `{param}`s, e.g. `/things/{id}` */
  route?: string
  params?: Record<string, string>
  query?: Record<string, string>
  headers?: Record<string, string>
  cookie?: string
  body?: string
  isBase64Encoded?: boolean
}

/** A REST (v1) event. */
export function v1(init: EventInit = {}): ArcEvent {
  const method = init.method ?? 'GET'
  const headers: Record<string, string> = { host: 'localhost', ...init.headers }
  if (init.cookie) headers.cookie = init.cookie
  return {
    httpMethod: method,
    path: init.path ?? '/',
    resource: init.route ?? init.path ?? '/',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: init.query ?? null,
    multiValueQueryStringParameters: init.query ? Object.fromEntries(Object.entries(init.query).map(([k, v]) => [k, [v]])) : null,
    pathParameters: init.params ?? null,
    body: init.body ?? null,
    isBase64Encoded: init.isBase64Encoded ?? false,
    requestContext: { httpMethod: method },
  }
}

/** An HTTP API payload 2.0 event (cookies in `cookies[]`, no `Cookie` header). */
export function v2(init: EventInit = {}): ArcEvent {
  const method = init.method ?? 'GET'
  const path = init.path ?? '/'
  const event: ArcEvent = {
    version: '2.0',
    routeKey: `${method} ${init.route ?? path}`,
    rawPath: path,
    rawQueryString: new URLSearchParams(init.query ?? {}).toString(),
    headers: { host: 'localhost', ...init.headers },
    requestContext: { http: { method, path } },
    isBase64Encoded: init.isBase64Encoded ?? false,
  }
  if (init.cookie) event.cookies = init.cookie.split(/;\s*/)
  if (init.query) event.queryStringParameters = init.query
  if (init.params) event.pathParameters = init.params
  if (init.body !== undefined) event.body = init.body
  return event
}

export const b64 = (text: string) => Buffer.from(text).toString('base64')
