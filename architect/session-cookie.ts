/**
 * The session cookie on Architect's terms: found in an event as
 * `@architect/functions` finds it, and sent with `Expires` beside `Max-Age`
 * as it sends it.
 *
 * @module
 */
import { serialize } from 'hono/utils/cookie'
import type { SessionConfig } from '../src/index.js'
import type { ArcEvent } from './types.js'

/**
 * Every `Cookie` value of a payload v1 event's `multiValueHeaders` (any case),
 * joined with `; `, or `undefined` when it has none.
 */
function multiValueCookie(multi: ArcEvent['multiValueHeaders']): string | undefined {
  if (typeof multi !== 'object' || multi === null) return undefined
  const values: string[] = []
  for (const [name, list] of Object.entries(multi)) {
    if (name.toLowerCase() !== 'cookie' || !Array.isArray(list)) continue
    for (const value of list) if (typeof value === 'string' && value) values.push(value)
  }
  return values.length > 0 ? values.join('; ') : undefined
}

/**
 * The `Cookie` header of an event: every `Cookie` value of `multiValueHeaders`
 * (payload v1, ALB), joined with `; `; else the `cookie` (or `Cookie`) header;
 * else v2's `cookies` array joined with `;`.
 *
 * Why `multiValueHeaders` first, where Architect reads `headers`: API Gateway
 * puts only the last of several `Cookie` headers in `headers` (an HTTP/2
 * client splits its cookies over several), and all of them in
 * `multiValueHeaders`. It is the rule of `seshjs/lambda` (Hono's mapping), so
 * both read the same session from the same event; whenever Architect finds a
 * session cookie in `headers`, the last one here is the same cookie.
 *
 * @param event the API Gateway event (or any object with `headers` / `multiValueHeaders` / `cookies`)
 */
export function cookieHeaderOf(
  event: Pick<ArcEvent, 'headers' | 'cookies'> & Partial<Pick<ArcEvent, 'multiValueHeaders'>>,
): string | undefined {
  const multi = multiValueCookie(event.multiValueHeaders)
  if (multi !== undefined) return multi
  const header = event.headers?.cookie || event.headers?.Cookie
  if (header) return header
  if (Array.isArray(event.cookies) && event.cookies.length > 0) return event.cookies.join(';')
  return undefined
}

/**
 * The value of the session cookie in `event` (its `Cookie` header as
 * {@link cookieHeaderOf} reads it): the **last** `name=` entry (Architect's
 * rule), unquoted and percent-decoded. Any character is accepted and nothing
 * throws: a value that is not a session simply does not open.
 *
 * @example
 * ```ts
 * sessionCookieValue({ headers: { cookie: '_idx=old; a=1; _idx=new' } }, '_idx') // 'new'
 * ```
 * @param event the API Gateway event
 * @param name the cookie name (`_idx`)
 */
export function sessionCookieValue(
  event: Pick<ArcEvent, 'headers' | 'cookies'> & Partial<Pick<ArcEvent, 'multiValueHeaders'>>,
  name: string,
): string | undefined {
  const header = cookieHeaderOf(event)
  if (typeof header !== 'string') return undefined
  const entries = header.split(';')
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i]!.trim()
    if (!entry.startsWith(`${name}=`)) continue
    let value = entry.slice(name.length + 1).trim()
    if (value.length > 1 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
    if (value.includes('%')) {
      try {
        value = decodeURIComponent(value)
      } catch {
        // kept as sent, as the cookie library Architect uses keeps it
      }
    }
    return value || undefined
  }
  return undefined
}

/**
 * `setCookie` with `Expires` (from its `Max-Age`) after `Path`, where Architect's
 * cookie library puts it, for clients that ignore `Max-Age`.
 *
 * @example
 * ```ts
 * withExpires('_idx=v; Max-Age=60; Path=/; HttpOnly', Date.UTC(2026, 0, 1))
 * // '_idx=v; Max-Age=60; Path=/; Expires=Thu, 01 Jan 2026 00:01:00 GMT; HttpOnly'
 * ```
 * @param setCookie a `Set-Cookie` value with `Max-Age` and `Path=/`
 * @param now the time, in epoch milliseconds
 */
export function withExpires(setCookie: string, now: number): string {
  const maxAge = /; Max-Age=(\d+)/i.exec(setCookie)
  if (!maxAge || /; Expires=/i.test(setCookie)) return setCookie
  const expires = new Date(now + Number(maxAge[1]) * 1000).toUTCString()
  return setCookie.replace(/; Path=\/(?=;|$)/, `; Path=/; Expires=${expires}`)
}

/**
 * The session's `Set-Cookie` for `value` (`null`: expire the cookie), with the
 * configured attributes and `Expires`: for a cookie value the engine did not
 * itself save (an unchanged session `session.write()` is asked to write).
 *
 * @param config the resolved configuration
 * @param value the cookie value, or `null`
 */
export function setCookie(config: Pick<SessionConfig, 'cookieName' | 'cookieAttributes' | 'now'>, value: string | null): string {
  const attributes = value === null ? { ...config.cookieAttributes, maxAge: 0 } : config.cookieAttributes
  return withExpires(serialize(config.cookieName, value ?? '', attributes), config.now())
}
