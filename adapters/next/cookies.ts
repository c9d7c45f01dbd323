/**
 * sesh's `Set-Cookie` lines in the shapes Next.js takes: the options object of
 * `cookies().set()` / `NextResponse.cookies.set()`, and a request's `Cookie`
 * header with the new values, for the render after a middleware.
 *
 * The attributes are read back from the engine's own `Set-Cookie` lines
 * (`saveCookie().headers`), so nothing here decides a cookie's attributes.
 *
 * @module
 */

/** A cookie as Next.js's `cookies().set(cookie)` takes it (its `ResponseCookie`). */
export interface NextCookie {
  name: string
  value: string
  maxAge?: number
  expires?: Date
  path?: string
  domain?: string
  secure?: boolean
  httpOnly?: boolean
  /** As sesh writes it (`Lax`): Next.js types it in lower case and writes it as given. */
  sameSite?: 'lax' | 'strict' | 'none'
  partitioned?: boolean
  priority?: 'low' | 'medium' | 'high'
}

const decode = (text: string): string => {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/**
 * One `Set-Cookie` line as a {@link NextCookie}: its value percent-decoded
 * (Next encodes it again), `Max-Age=0` kept (an expiry; Next's own parser drops
 * a zero `Max-Age`).
 *
 * @param line a `Set-Cookie` header value
 */
export function toNextCookie(line: string): NextCookie {
  const [pair = '', ...attributes] = line.split(';')
  const eq = pair.indexOf('=')
  const cookie: NextCookie = { name: pair.slice(0, eq).trim(), value: decode(pair.slice(eq + 1).trim()) }
  for (const attribute of attributes) {
    const at = attribute.indexOf('=')
    const key = (at === -1 ? attribute : attribute.slice(0, at)).trim().toLowerCase()
    const value = at === -1 ? '' : attribute.slice(at + 1).trim()
    if (key === 'max-age') cookie.maxAge = Number(value)
    else if (key === 'expires') cookie.expires = new Date(value)
    else if (key === 'path') cookie.path = value
    else if (key === 'domain') cookie.domain = value
    else if (key === 'secure') cookie.secure = true
    else if (key === 'httponly') cookie.httpOnly = true
    else if (key === 'samesite')
      cookie.sameSite = value as NextCookie['sameSite'] // as sesh spells it (Next writes it as given)
    else if (key === 'partitioned') cookie.partitioned = true
    else if (key === 'priority') cookie.priority = value.toLowerCase() as NextCookie['priority']
  }
  return cookie
}

/** Whether a {@link NextCookie} deletes its cookie. */
export const isExpiry = (cookie: NextCookie): boolean =>
  cookie.maxAge === 0 || (cookie.expires !== undefined && cookie.expires.getTime() <= Date.now())

/**
 * A request's `Cookie` header with what `Set-Cookie` lines say: their cookies
 * replaced (or removed, for an expiry), the others kept as they were.
 *
 * @param header the request's `Cookie` header
 * @param lines `Set-Cookie` header values
 */
export function forwardCookieHeader(header: string | null, lines: readonly string[]): string {
  const set = lines.map(toNextCookie)
  const names = new Set(set.map((cookie) => cookie.name))
  const kept = (header ?? '')
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '' && !names.has(pair.slice(0, pair.indexOf('=') === -1 ? pair.length : pair.indexOf('=')).trim()))
  const added = set.filter((cookie) => !isExpiry(cookie)).map((cookie) => `${cookie.name}=${encodeURIComponent(cookie.value)}`)
  return [...kept, ...added].join('; ')
}
