/** Compare Lambda results from Architect and sesh: cookies by decrypted content, wherever they were put. */
import { compactDecrypt } from 'jose'
import type { ArcResult } from 'seshjs/architect'

const SIZES = { A256GCM: 32, A192GCM: 24, A128GCM: 16 } as const
export type Enc = keyof typeof SIZES

/** Architect's key, derived independently of sesh (reference §3.1/§3.2). */
export function arcKey(secret: string, enc: Enc = 'A256GCM', legacy = false): Uint8Array {
  if (legacy) return new Uint8Array(Buffer.from(secret, 'base64').subarray(0, 16))
  return new Uint8Array(Buffer.from(secret.substring(0, SIZES[enc]), 'utf8').subarray(0, SIZES[enc]))
}

/** The decrypted payload of a JWE session cookie (`_idx=<token>; …`). */
export async function decryptCookie(setCookie: string, key: Uint8Array): Promise<Record<string, unknown>> {
  const token = decodeURIComponent(setCookie.split(';')[0]!.slice('_idx='.length))
  const { plaintext } = await compactDecrypt(token, key)
  return JSON.parse(new TextDecoder().decode(plaintext)) as Record<string, unknown>
}

/** Every Set-Cookie of a result, wherever it is (headers in any case, multiValueHeaders, cookies[]). */
export function allCookies(result: ArcResult): string[] {
  const out: string[] = []
  for (const [k, v] of Object.entries(result.headers ?? {})) if (/^set-cookie$/i.test(k)) out.push(v)
  for (const [k, v] of Object.entries(result.multiValueHeaders ?? {})) if (/^set-cookie$/i.test(k)) out.push(...v)
  out.push(...(result.cookies ?? []))
  return out
}

/** Cookie attributes other than the lifetime ones, lower-cased and sorted. */
export function attributes(setCookie: string): string[] {
  return setCookie
    .split(';')
    .slice(1)
    .map((a) => a.trim().toLowerCase())
    .filter((a) => a && !a.startsWith('max-age') && !a.startsWith('expires'))
    .sort()
}

/** A result with cookies taken out and session cookies decrypted (without `iat`). */
export async function normalise(result: ArcResult, key: Uint8Array) {
  const copy = structuredClone(result)
  const cookies = allCookies(copy)
  for (const k of Object.keys(copy.headers ?? {})) if (/^set-cookie$/i.test(k)) delete copy.headers[k]
  if (copy.multiValueHeaders) {
    for (const k of Object.keys(copy.multiValueHeaders)) if (/^set-cookie$/i.test(k)) delete copy.multiValueHeaders[k]
    if (Object.keys(copy.multiValueHeaders).length === 0) delete copy.multiValueHeaders
  }
  const sessions = []
  for (const cookie of cookies.filter((c) => c.startsWith('_idx='))) {
    const { iat, ...data } = await decryptCookie(cookie, key)
    sessions.push({ data, hasIat: typeof iat === 'number', attributes: attributes(cookie) })
  }
  return {
    statusCode: copy.statusCode,
    headers: copy.headers,
    multiValueHeaders: copy.multiValueHeaders,
    body: copy.body,
    isBase64Encoded: Boolean(copy.isBase64Encoded),
    cookies: cookies.filter((c) => !c.startsWith('_idx=')).sort(),
    sessions,
  }
}
