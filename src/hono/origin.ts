/**
 * Which pages may open a WebSocket: a browser sends the session cookie with
 * an upgrade from any page (a sibling subdomain is the same site for
 * `SameSite=Lax`), so the upgrade's `Origin` is checked before the socket
 * opens (cross-site WebSocket hijacking).
 *
 * @module
 */

/**
 * The origins allowed to open a WebSocket besides the request's own host: a
 * list of origins (`'https://app.example.com'`: scheme, host and port), or a
 * function given the `Origin` header and the upgrade request that says yes or no.
 */
export type AllowedOrigins<R = Request> = readonly string[] | ((origin: string, request: R) => boolean)

/**
 * Says whether an upgrade may open a socket: `origin` is its `Origin` header
 * (`undefined`: none), `host` its `Host` header (host and port).
 */
export type OriginCheck<R = Request> = (origin: string | undefined, host: string | undefined, request: R) => boolean

/** A `Host` header: a host name, IPv4 or [IPv6], and an optional port. Nothing that could carry a path. */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::\d{1,5})?$/

function normalized(entry: unknown): string {
  const problem = () =>
    new TypeError(
      `origins must list origins such as 'https://app.example.com' (scheme, host and port; no path, no wildcard), ` +
        `or be a function (origin, request) => boolean; got ${JSON.stringify(entry)}`,
    )
  if (typeof entry !== 'string' || entry === '') throw problem()
  if (entry === 'null') {
    // any page can send `Origin: null` (a sandboxed iframe), so listing it would switch the check off
    throw new TypeError(
      "origins cannot list 'null': any site can send Origin: null from a sandboxed iframe. Use a function if you really mean it.",
    )
  }
  let url: URL
  try {
    url = new URL(entry)
  } catch {
    throw problem()
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '') || entry.includes('*'))
    throw problem()
  // http(s) origins compare as browsers serialize them (lower case, no default port); other schemes as written
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : entry.replace(/\/$/, '')
}

/** The host (and port, unless it is the scheme's default) of the `Host` header, read with the origin's scheme. */
function ownHost(host: string | undefined, protocol: string): string | undefined {
  if (host === undefined || !HOST.test(host)) return undefined
  try {
    return new URL(`${protocol}//${host}`).host
  } catch {
    return undefined
  }
}

/**
 * The check of WebSocket upgrades that `sessionSocket()` and
 * `seshjs/architect`'s `ws()` make, built once from their `origins` option:
 *
 * - no `Origin` header (a client that is not a browser): allowed;
 * - an `Origin` whose host and port are the request's `Host`: allowed;
 * - an origin in `origins`, or one the `origins` function accepts: allowed;
 * - anything else, `Origin: null` included (sandboxed iframes, `file:`
 *   pages): refused — answer it with a 403 and open no socket.
 *
 * Throws a `TypeError` for an entry that is not an origin (a path, a
 * wildcard, `'null'`).
 *
 * @example
 * ```ts
 * const allowed = webSocketOrigins(['https://app.example.com'])
 * allowed('https://app.example.com', 'ws.example.com', request) // true
 * allowed('https://evil.example.com', 'ws.example.com', request) // false
 * allowed(undefined, 'ws.example.com', request) // true: not a browser
 * ```
 * @param origins the origins allowed besides the request's own host
 */
export function webSocketOrigins<R = Request>(origins?: AllowedOrigins<R>): OriginCheck<R> {
  let list: ReadonlySet<string> = new Set()
  let predicate: ((origin: string, request: R) => boolean) | undefined
  if (typeof origins === 'function') predicate = origins
  else if (Array.isArray(origins)) list = new Set(origins.map(normalized))
  else if (origins !== undefined) throw new TypeError('origins must be a list of origins or a function (origin, request) => boolean')

  return function allowedOrigin(origin, host, request) {
    if (origin === undefined) return true // not a browser: browsers always send Origin with an upgrade
    if (origin !== 'null') {
      let url: URL | undefined
      try {
        url = new URL(origin)
      } catch {
        url = undefined
      }
      if (url && (url.protocol === 'http:' || url.protocol === 'https:')) {
        if (url.host === ownHost(host, url.protocol)) return true
        if (list.has(url.origin)) return true
      } else if (list.has(origin)) return true
    }
    return predicate?.(origin, request) === true
  }
}
