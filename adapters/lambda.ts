/**
 * AWS Lambda onto the fetch core: API Gateway REST (payload v1), HTTP API
 * (payload v2), Lambda Function URLs and Application Load Balancer events.
 *
 * The event ⇄ `Request`/`Response` mapping is Hono's (`hono/aws-lambda`): it
 * takes v2 request cookies from `event.cookies`, puts response cookies into v2
 * `cookies[]` and v1/ALB `multiValueHeaders['set-cookie']` (one entry each, never
 * merged), decodes and encodes base64 bodies and keeps repeated query keys.
 * This module adds only what that mapping lacks; each addition says why.
 * (Hono marks `hono/aws-lambda` deprecated in favour of the `@hono/aws-lambda`
 * package, to be removed in Hono 5; the switch is one import line.) Note that
 * Hono logs with `console.error` when an event cannot become a `Request`
 * (this module then answers 400).
 *
 * @module
 */
import { handle } from 'hono/aws-lambda'

/** What {@link toLambda} hands a fetch handler besides the request (a Hono app sees it as `c.env`). */
export interface LambdaBindings {
  /** The Lambda event, as it arrived. */
  event: LambdaHttpEvent
  /** The event's `requestContext`. */
  requestContext: unknown
  /** The Lambda context object. */
  lambdaContext: unknown
}

/** A fetch handler: `Request` in, `Response` out; the Lambda event rides along for those who want it. */
export type FetchHandler = (request: Request, env: LambdaBindings) => Response | Promise<Response>

type Headers1 = Record<string, string | undefined> | null
type MultiHeaders = Record<string, string[] | undefined> | null

/** An API Gateway REST API (payload format 1.0) proxy event. */
export interface APIGatewayProxyEvent {
  httpMethod: string
  path: string
  resource?: string
  headers: Headers1
  multiValueHeaders: MultiHeaders
  queryStringParameters: Record<string, string | undefined> | null
  multiValueQueryStringParameters: Record<string, string[] | undefined> | null
  body: string | null
  isBase64Encoded: boolean
  requestContext: { domainName?: string; [key: string]: unknown }
  [key: string]: unknown
}

/** An API Gateway HTTP API (payload format 2.0) or Lambda Function URL event. */
export interface APIGatewayProxyEventV2 {
  version: '2.0'
  rawPath: string
  rawQueryString: string
  cookies?: string[]
  headers: Record<string, string | undefined>
  body?: string
  isBase64Encoded: boolean
  requestContext: { domainName?: string; http: { method: string; path: string; [key: string]: unknown }; [key: string]: unknown }
  [key: string]: unknown
}

/** An Application Load Balancer event (with or without multi-value headers). */
export interface ALBEvent {
  httpMethod: string
  path: string
  headers?: Record<string, string | undefined>
  multiValueHeaders?: Record<string, string[] | undefined>
  queryStringParameters?: Record<string, string | undefined>
  multiValueQueryStringParameters?: Record<string, string[] | undefined>
  body: string | null
  isBase64Encoded: boolean
  requestContext: { elb: { targetGroupArn: string } }
}

/** Any event {@link toLambda} accepts. */
export type LambdaHttpEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2 | ALBEvent

/** What the handler returns: the proxy-integration result of the event's kind. */
export interface LambdaHttpResult {
  statusCode: number
  /** ALB only: `"200 OK"`. */
  statusDescription?: string
  headers?: Record<string, string>
  multiValueHeaders?: Record<string, string[]>
  /** Payload v2 only: one entry per `Set-Cookie`. */
  cookies?: string[]
  body: string
  isBase64Encoded: boolean
}

/** Options of {@link toLambda}. */
export interface ToLambdaOptions {
  /**
   * Whether a response of this `Content-Type` is sent base64-encoded.
   * @default everything but text, JSON and XML (Hono's `defaultIsContentTypeBinary`)
   */
  isContentTypeBinary?: ((contentType: string) => boolean) | undefined
}

/** A Lambda handler for HTTP events. */
export type LambdaHttpHandler = (event: LambdaHttpEvent, context?: unknown) => Promise<LambdaHttpResult>

const isAlb = (event: LambdaHttpEvent): event is ALBEvent =>
  typeof event.requestContext === 'object' && event.requestContext !== null && 'elb' in event.requestContext

const isV2 = (event: LambdaHttpEvent): event is APIGatewayProxyEventV2 =>
  'rawPath' in event && typeof event.requestContext === 'object' && event.requestContext !== null && 'http' in event.requestContext

/**
 * Multi-value headers as `Headers`, joining repeated `Cookie` values with `; `.
 *
 * Why not Hono's: for REST events it appends repeated values, so two `Cookie`
 * headers (HTTP/2 clients split cookies into several) become `a=1, b=2`, which
 * no cookie parser reads; for ALB it joins every repeated header with `; `,
 * which mangles `Accept`, `Forwarded` and the like.
 */
function multiValueHeaders(event: APIGatewayProxyEvent | ALBEvent, request: Request): Headers | undefined {
  const multi = event.multiValueHeaders
  if (!multi) return undefined
  const repeated = Object.values(multi).some((values) => Array.isArray(values) && values.length > 1)
  if (!repeated) return undefined
  const headers = new Headers(request.headers)
  for (const [name, values] of Object.entries(multi)) {
    if (!Array.isArray(values) || values.length < 2) continue
    const mapped = new Headers()
    try {
      if (name.toLowerCase() === 'cookie') mapped.set(name, values.join('; '))
      else for (const value of values) mapped.append(name, value)
    } catch {
      continue // a name or value no `Headers` accepts: keep what Hono made of it
    }
    headers.delete(name)
    for (const [key, value] of mapped) headers.append(key, value)
  }
  return headers
}

/**
 * The event without a body when its method cannot have one.
 *
 * Why: API Gateway REST passes a body on GET (AWS's own sample event does), and
 * `new Request()` refuses one there, which Hono answers with a 400. The body of
 * a GET has no meaning, so it is dropped.
 */
function withoutGetBody(event: LambdaHttpEvent): LambdaHttpEvent {
  const method = isV2(event) ? event.requestContext.http.method : event.httpMethod
  if (!event.body || (method !== 'GET' && method !== 'HEAD')) return event
  return { ...event, body: isV2(event) ? undefined : null } as LambdaHttpEvent
}

function internalError(): Response {
  return new Response('Internal Server Error\n', { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' } })
}

/**
 * Turns a fetch handler into a Lambda handler for API Gateway REST (v1), HTTP
 * API (v2), Function URL and ALB events. A thrown error becomes a bare 500
 * (never a stack trace, never a Lambda invocation error that API Gateway turns
 * into a 502).
 *
 * Limitation: an ALB target group *without* multi-value headers can carry one
 * `Set-Cookie` only, so only the first is sent; turn multi-value headers on
 * when a response may set several cookies.
 *
 * @example
 * ```ts
 * import { toLambda } from 'seshjs/lambda'
 * const app = createCounterApp() // ARC_APP_SECRET, ARC_ENV… from the function's environment
 * export const handler = toLambda(app.fetch)
 * ```
 * @param fetch the fetch handler (e.g. a Hono app's `app.fetch`)
 * @param options response encoding
 */
export function toLambda(fetch: FetchHandler, options: ToLambdaOptions = {}): LambdaHttpHandler {
  return async function lambdaHandler(event, context) {
    let reached = false
    // Hono's handle() needs only an object with `fetch`; it calls it with (request, { event, requestContext, lambdaContext }).
    const app = {
      async fetch(request: Request, env: LambdaBindings): Promise<Response> {
        reached = true
        if (!isV2(event)) {
          const headers = multiValueHeaders(event as APIGatewayProxyEvent | ALBEvent, request)
          if (headers) request = new Request(request, { headers })
        }
        let response: Response
        try {
          response = await fetch(request, { ...env, event })
        } catch {
          response = internalError()
        }
        // Why a copy: Hono deletes `set-cookie` from the response it gets, which
        // throws on immutable headers (`Response.redirect()`, a `fetch()` result).
        return new Response(response.body, response)
      },
    }
    const result = (await handle(app as never, { isContentTypeBinary: options.isContentTypeBinary })(
      withoutGetBody(event) as never,
      context as never,
    )) as LambdaHttpResult
    // Why: when the event cannot become a `Request` (a base64 body that does not decode, a
    // header name or value no `Headers` accepts), Hono answers 500; it is the client's fault.
    if (!reached) Object.assign(result, { statusCode: 400, body: 'Bad Request\n', isBase64Encoded: false })
    // Why added: ALB shows `statusDescription` in its documented response shape; Hono leaves it out.
    if (isAlb(event)) result.statusDescription = `${result.statusCode} ${statusText(result.statusCode)}`
    return result
  }
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
}

function statusText(status: number): string {
  return STATUS_TEXT[status] ?? ''
}
