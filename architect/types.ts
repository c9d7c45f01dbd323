/**
 * The shapes `seshjs/architect` works with: API Gateway events in, the request
 * handed to handlers, the response keys handlers return, and the Lambda result.
 *
 * @module
 */

/** A plain session object, as `req.session` and the `session` response key carry it. */
// biome-ignore lint/suspicious/noExplicitAny: Architect sessions are untyped; narrow with ArcRequest<YourSession>
export type PlainSession = Record<string, any>

/**
 * An API Gateway proxy event: REST (v1, no `version`), HTTP API payload 1.0
 * (`version: '1.0'`) or HTTP API payload 2.0 (`version: '2.0'`).
 */
export interface ArcEvent {
  version?: string
  /** v1 */
  httpMethod?: string
  /** v1 */
  path?: string
  /** v1 */
  resource?: string
  /** v2: `'GET /things/{id}'` or `'$default'` */
  routeKey?: string
  /** v2 */
  rawPath?: string
  /** v2 */
  rawQueryString?: string
  headers?: Record<string, string | undefined> | null
  multiValueHeaders?: Record<string, string[] | undefined> | null
  /** v2: the request's cookies, one `name=value` each (v2 events carry no `Cookie` header). */
  cookies?: string[]
  queryStringParameters?: Record<string, string | undefined> | null
  multiValueQueryStringParameters?: Record<string, string[] | undefined> | null
  pathParameters?: Record<string, string | undefined> | null
  body?: string | null
  isBase64Encoded?: boolean
  requestContext?: { http?: { method?: string; path?: string } } & Record<string, unknown>
  [key: string]: unknown
}

/** The request handed to `http()` handlers: the event plus Architect's conveniences. */
export interface ArcRequest<Session extends PlainSession = PlainSession> extends ArcEvent {
  /** The HTTP method (upper case). */
  method: string
  httpMethod: string
  /** The path, with `{param}` placeholders filled in. */
  path: string
  headers: Record<string, string | undefined>
  /** Query string parameters (`{}` when none). */
  query: Record<string, string | undefined>
  /** Path parameters (`{}` when none). */
  params: Record<string, string | undefined>
  /**
   * The body, parsed by content type: JSON → value, form → object (repeated keys → arrays),
   * base64 text/xml → string, base64 multipart/octet-stream → `{ base64 }`, else as sent (`{}` when none).
   */
  // biome-ignore lint/suspicious/noExplicitAny: parsed by content type
  body: any
  /** The body as sent, when there was one. */
  rawBody?: string
  /**
   * The session as a plain object. Cookie (JWE) sessions carry `iat` (when it was
   * last written, epoch seconds); DynamoDB sessions carry `_idx`, `_secret` and `_ttl`.
   */
  session: Session
}

/** What a handler may return: a response (these keys), a request (to continue), or nothing. */
export interface ArcResponse {
  /** Status code; `status` and `code` are aliases (the first truthy of `status`, `code`, `statusCode` wins). */
  statusCode?: number
  status?: number
  code?: number
  /** Response headers. */
  headers?: Record<string, string | undefined>
  /** REST (v1) multi-value headers, passed through. */
  multiValueHeaders?: Record<string, string[] | undefined>
  /** The body: a string, or bytes (sent base64-encoded). */
  body?: string | Uint8Array
  /** HTML body (`text/html; charset=utf8`). */
  html?: string
  /** CSS body (`text/css; charset=utf8`). */
  css?: string
  /** JavaScript body (`text/javascript; charset=utf8`). */
  js?: string
  /** Plain-text body (`text/plain; charset=utf8`). */
  text?: string
  /** A value sent as JSON (`application/json; charset=utf8`). */
  json?: unknown
  /** XML body (`application/xml; charset=utf8`). */
  xml?: string
  /** The content type. @default 'application/json; charset=utf8' */
  type?: string
  /**
   * `cache-control`. @default `no-cache, no-store, must-revalidate, max-age=0, s-maxage=0` for
   * HTML, JSON and redirects; `max-age=86400` otherwise
   */
  cacheControl?: string
  /** `true` adds `access-control-allow-origin: *`. */
  cors?: boolean
  /** Redirect target: sets `location` and a 302 (unless a status is given). */
  location?: string
  /** A `Set-Cookie` value (legacy). */
  cookie?: string
  /** `Set-Cookie` values. */
  cookies?: string[]
  /** The body is already base64-encoded bytes. */
  isBase64Encoded?: boolean
  /** `false` turns compression off; `'br'` or `'gzip'` picks one the client accepts. */
  compression?: false | 'br' | 'gzip'
  /** The new session: replaces the whole session (`{}` ends it). */
  session?: PlainSession
  [key: string]: unknown
}

/** The Lambda proxy result. */
export interface ArcResult {
  statusCode: number
  headers: Record<string, string>
  body: string
  isBase64Encoded?: boolean
  multiValueHeaders?: Record<string, string[]>
  cookies?: string[]
}
