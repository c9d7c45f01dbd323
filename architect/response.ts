/**
 * Response keys → Lambda proxy result, as Architect formats them (same
 * defaults, same content types, same cache rules), minus its defects: a byte
 * body compresses instead of throwing, an `Error` page hides the stack in
 * production, and `Content-Encoding` given in any case is kept.
 *
 * @module
 */
import { BINARY_TYPES } from './binary-types.js'
import { compress, negotiate } from './compress.js'
import { errorPage, NO_CACHE } from './error-page.js'
import type { ArcResult } from './types.js'

/** The content type when a response names none. */
export const DEFAULT_TYPE = 'application/json; charset=utf8'

/** Content types set by the shorthand body keys, in priority order. */
const SHORTHANDS = [
  ['html', 'text/html; charset=utf8'],
  ['css', 'text/css; charset=utf8'],
  ['js', 'text/javascript; charset=utf8'],
  ['text', 'text/plain; charset=utf8'],
  ['json', 'application/json; charset=utf8'],
  ['xml', 'application/xml; charset=utf8'],
] as const

/** Keys that make a v2 return value a response rather than a value to send as JSON. */
const RESPONSE_KEYS = new Set([
  'statusCode',
  'body',
  'headers',
  'isBase64Encoded',
  'cookies',
  'code',
  'cookie',
  'cors',
  'location',
  'session',
  'status',
  'html',
  'css',
  'js',
  'text',
  'json',
  'xml',
])

// biome-ignore lint/suspicious/noExplicitAny: user-shaped
type Params = Record<string, any>

const isBytes = (value: unknown): value is Uint8Array => value instanceof Uint8Array
const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')

/**
 * What HTTP API v2 makes of a returned value: an object with a response key is
 * a response; any other object, array, number or non-empty string is sent as
 * JSON; nothing is an empty response.
 */
function normaliseV2(value: unknown): unknown {
  if (value instanceof Error) return value
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !isBytes(value)) {
    if (Object.keys(value).some((key) => RESPONSE_KEYS.has(key))) return value
  }
  if ((typeof value === 'object' && value !== null) || typeof value === 'number' || (typeof value === 'string' && value.length > 0)) {
    return { body: JSON.stringify(isBytes(value) ? Buffer.from(value) : value) }
  }
  return value || {}
}

/** A deep copy through JSON (as Architect makes), keeping a byte body as bytes. */
function copyParams(value: unknown): Params {
  if (value === null || typeof value !== 'object') return {}
  const body = (value as Params).body
  const copy = JSON.parse(JSON.stringify(value)) as Params
  if (isBytes(body)) copy.body = body
  return copy
}

/**
 * Formats what a handler returned into a Lambda proxy result. Cookies are left
 * where the handler put them; `placeCookies` gathers them afterwards.
 *
 * @example
 * ```ts
 * formatResponse({ version: '2.0', headers: {} }, { html: '<p>hi</p>' }, { production: false })
 * // { statusCode: 200, headers: { 'content-type': 'text/html; charset=utf8', 'cache-control': 'no-cache, …' }, body: '<p>hi</p>' }
 * ```
 * @param req the (last) request: its `version` and `accept-encoding`
 * @param value what the handler returned
 * @param options `production` hides error stacks
 */
export function formatResponse(
  req: { version?: string; headers?: Record<string, string | undefined> | null },
  value: unknown,
  options: { production: boolean },
): ArcResult {
  const input = req.version === '2.0' ? normaliseV2(value) : value
  const isError = input instanceof Error
  const params: Params = isError ? (input as unknown as Params) : copyParams(input)

  let body: unknown = params.body || ''
  const given: Record<string, string> = { ...(isError ? {} : params.headers) }
  let cacheControl: string = params.cacheControl || given['cache-control'] || given['Cache-Control'] || ''
  delete given['Cache-Control']
  let type: string = params.type || given['content-type'] || given['Content-Type'] || DEFAULT_TYPE
  delete given['Content-Type']
  const encoding = given['content-encoding'] || given['Content-Encoding']
  if (given['Content-Encoding']) {
    delete given['Content-Encoding']
    given['content-encoding'] = encoding!
  }

  for (const [key, contentType] of SHORTHANDS) {
    if (params[key]) {
      type = contentType
      body = key === 'json' ? JSON.stringify(params.json) : params[key]
      break
    }
  }

  const providedStatus = params.status || params.code || params.statusCode
  let res: ArcResult = { headers: { 'content-type': type, ...given }, statusCode: providedStatus || 200, body: body as string }
  if (params.multiValueHeaders) res.multiValueHeaders = params.multiValueHeaders
  if (params.cookies) res.cookies = params.cookies
  if (isError) {
    res = errorPage(input, options)
    cacheControl = ''
  }

  const { headers } = res
  if (cacheControl) headers['cache-control'] = cacheControl
  const antiCache =
    type.includes('text/html') || type.includes('application/json') || type.includes('application/vnd.api+json') || params.location
  if (!headers['cache-control']) headers['cache-control'] = antiCache ? NO_CACHE : 'max-age=86400'
  if (params.cors) headers['access-control-allow-origin'] = '*'
  if (params.isBase64Encoded) res.isBase64Encoded = true
  if (params.location) {
    res.statusCode = providedStatus || 302
    headers.location = params.location
  }

  const contentType = (headers['content-type'] || '').split(';')[0]!
  const acceptEncoding = req.headers?.['accept-encoding'] || req.headers?.['Accept-Encoding']
  const compressible = Boolean(req.version) && !params.isBase64Encoded && !encoding && acceptEncoding && params.compression !== false
  const chosen = compressible ? negotiate(acceptEncoding!, params.compression) : undefined
  if (isBytes(res.body)) {
    const bytes = chosen ? compress(res.body, chosen) : res.body
    if (chosen) headers['content-encoding'] = chosen
    res.body = toBase64(bytes)
    res.isBase64Encoded = true
  } else if (typeof res.body === 'string' && BINARY_TYPES.has(contentType)) {
    res.isBase64Encoded = true
  } else if (typeof res.body === 'string' && chosen) {
    headers['content-encoding'] = chosen
    res.body = compress(res.body, chosen).toString('base64')
    res.isBase64Encoded = true
  }
  return res
}
