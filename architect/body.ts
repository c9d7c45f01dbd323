/**
 * Request bodies parsed by content type, as Architect parses them.
 *
 * @module
 */
import { parse as parseQuery } from 'node:querystring'

/** An invalid JSON body: `http()` answers 400 instead of running the handlers. */
export class InvalidBodyError extends Error {
  /** Stable code. */
  readonly code = 'ERR_ARCHITECT_INVALID_BODY'
  constructor() {
    super('Invalid request body encoding or invalid JSON')
    this.name = 'InvalidBodyError'
  }
}

const decodeBase64 = (text: string) => Buffer.from(text, 'base64').toString()

/**
 * The body of a shaped request, parsed as Architect does:
 *
 * - JSON (`application/json`, `application/vnd.api+json`): parsed (base64-decoded first when flagged);
 * - base64 `text/plain`, `text/xml`, `application/xml`: the decoded string;
 * - base64 `application/x-www-form-urlencoded`: an object, repeated keys as arrays;
 * - base64 `multipart/form-data`, `application/octet-stream`: `{ base64: body }`;
 * - anything else: as sent.
 *
 * Throws {@link InvalidBodyError} for JSON that does not parse.
 *
 * @example
 * ```ts
 * parseBody({ headers: { 'content-type': 'application/json' }, body: '{"a":1}' }) // { a: 1 }
 * ```
 * @param req the request (`headers`, `body`, `isBase64Encoded`)
 */
export function parseBody(req: {
  headers?: Record<string, string | undefined> | null
  body?: unknown
  isBase64Encoded?: boolean
}): unknown {
  const headers = req.headers ?? {}
  const type = headers['content-type'] || headers['Content-Type']
  const { body } = req
  if (!body || !type || (typeof body !== 'string' && Object.keys(body).length === 0)) return body
  const is = (t: string) => Boolean(headers['content-type']?.includes(t) || headers['Content-Type']?.includes(t))
  if (typeof body !== 'string') return body
  const base64 = Boolean(req.isBase64Encoded)

  if (is('application/json') || is('application/vnd.api+json')) {
    try {
      return JSON.parse(base64 ? decodeBase64(body) : body) || {}
    } catch {
      throw new InvalidBodyError()
    }
  }
  if (!base64) return body
  if (is('text/plain') || is('text/xml') || is('application/xml')) return decodeBase64(body)
  if (is('application/x-www-form-urlencoded')) return { ...parseQuery(decodeBase64(body)) }
  if (is('multipart/form-data') || is('application/octet-stream')) return { base64: body }
  return body
}
