/**
 * Response compression for HTTP APIs, as Architect does it (Brotli preferred,
 * then gzip), with a proper `Accept-Encoding` parse.
 *
 * @module
 */
import { brotliCompressSync, gzipSync } from 'node:zlib'

/** An encoding sesh compresses with. */
export type Encoding = 'br' | 'gzip'

/**
 * The encoding to use: `preferred` when the client accepts it, else `br`, else
 * `gzip`, else none. Tokens may be separated by `,` with or without spaces;
 * `;q=0` refuses one.
 *
 * @example
 * ```ts
 * negotiate('gzip, deflate, br') // 'br'
 * ```
 * @param acceptEncoding the request's `Accept-Encoding`
 * @param preferred the response's `compression` choice
 */
export function negotiate(acceptEncoding: string, preferred?: unknown): Encoding | undefined {
  const accepted = new Set<string>()
  for (const part of acceptEncoding.split(',')) {
    const [token, ...params] = part.split(';').map((s) => s.trim())
    const q = params.find((p) => /^q=/i.test(p))
    if (token && !(q && Number(q.slice(2)) === 0)) accepted.add(token.toLowerCase())
  }
  if ((preferred === 'br' || preferred === 'gzip') && accepted.has(preferred)) return preferred
  if (accepted.has('br')) return 'br'
  if (accepted.has('gzip')) return 'gzip'
  return undefined
}

/**
 * Compresses `body` with `encoding`.
 *
 * @param body the bytes or text
 * @param encoding the encoding
 */
export function compress(body: string | Uint8Array, encoding: Encoding): Buffer {
  return encoding === 'br' ? brotliCompressSync(body) : gzipSync(body)
}
