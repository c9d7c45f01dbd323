/**
 * Cookie-name prefixes (`__Host-`, `__Secure-`) and the start-up warning about
 * cookie tossing. Pure functions, called once by the configuration.
 *
 * Browsers enforce the prefixes (case-insensitively): a `__Secure-` cookie
 * must be `Secure`; a `__Host-` cookie must be `Secure`, `Path=/` and have no
 * `Domain`. A cookie that breaks the rule is silently dropped, so sesh decides
 * at start-up: a prefixed name sets the attributes it needs, and an explicit
 * option that contradicts it is an error there, never on every request.
 *
 * @module
 */

/** What the prefix rules decided. */
export interface CookiePrefixDecision {
  /** The cookie name to send. */
  name: string
  /** The cookie is a `__Host-` cookie: `Secure`, `Path=/`, no `Domain`. */
  host: boolean
  /** The cookie must be `Secure`. */
  secure: boolean
}

/**
 * Applies `hostPrefix` and any prefix already in `name`.
 *
 * @example
 * ```ts
 * cookiePrefixRules({ name: '__Host-sid' })                     // { name: '__Host-sid', host: true, secure: true }
 * cookiePrefixRules({ name: '__Secure-sid', secure: false })    // throws TypeError
 * cookiePrefixRules({ name: 'sid', hostPrefix: true, secure: false }) // throws TypeError
 * ```
 * @param cookie the name, `hostPrefix`, the `Domain` (from options or environment) and an explicit `secure`
 */
export function cookiePrefixRules(cookie: {
  name: string
  hostPrefix?: boolean
  domain?: string | undefined
  secure?: boolean | undefined
}): CookiePrefixDecision {
  const lower = cookie.name.toLowerCase()
  const named = lower.startsWith('__host-') ? 'host' : lower.startsWith('__secure-') ? 'secure' : undefined
  const host = named === 'host' || cookie.hostPrefix === true
  const name = cookie.hostPrefix === true && named !== 'host' ? `__Host-${cookie.name}` : cookie.name
  if (cookie.secure === false && (named !== undefined || host)) {
    const how = named === undefined ? 'or hostPrefix: true' : 'or rename the cookie'
    throw new TypeError(
      `A cookie named ${named === 'secure' ? '__Secure-' : '__Host-'}… must be Secure: remove cookie.secure: false ${how}`,
    )
  }
  if (host && cookie.domain) {
    throw new TypeError('A __Host- cookie cannot have a Domain: remove cookie.domain (ARC_SESSION_DOMAIN) or the __Host- prefix')
  }
  return { name, host, secure: host || named === 'secure' }
}

/**
 * The production start-up warning about cookie tossing, or `undefined` when it
 * does not apply: the cookie is a `__Host-` cookie, or a `Domain` was decided,
 * or `hostPrefix: false` was set explicitly (the decision was made).
 *
 * @param config production mode, whether the cookie is `__Host-`, its `Domain`, the `hostPrefix` option as given
 */
export function hostPrefixWarning(config: {
  production: boolean
  host: boolean
  domain: string | undefined
  hostPrefix: boolean | undefined
}): string | undefined {
  if (!config.production || config.host || config.domain || config.hostPrefix === false) return undefined
  return (
    'sesh: the session cookie has neither the __Host- prefix nor a Domain. A sibling subdomain can then set a ' +
    'cookie of the same name for the parent domain and replace the session (cookie tossing). Set ' +
    'cookie: { hostPrefix: true } to prevent it (the cookie is renamed, so current sessions start over), or ' +
    'cookie: { hostPrefix: false } (or a Domain) once you have decided.'
  )
}
