/**
 * Every `Set-Cookie` of a response, in one place: Architect lets the session
 * cookie overwrite the others; sesh sends them all — in `cookies[]` for HTTP
 * API v2, in `multiValueHeaders` for REST when there is more than one.
 *
 * @module
 */
import type { ArcResult } from './types.js'

const SET_COOKIE = /^set-cookie$/i

function take(record: Record<string, unknown> | undefined, into: string[]): boolean {
  let found = false
  if (!record) return found
  for (const key of Object.keys(record)) {
    if (!SET_COOKIE.test(key)) continue
    const value = record[key]
    for (const cookie of Array.isArray(value) ? value : [value]) if (typeof cookie === 'string' && cookie) into.push(cookie)
    delete record[key]
    found = true
  }
  return found
}

/**
 * Moves every `Set-Cookie` of `res` (headers in any case, `multiValueHeaders`,
 * `cookies`) plus `extra` (the legacy `cookie` key, then the session cookie)
 * to where the payload version wants them. Every value is sent, duplicates
 * included, as Architect sends them; on v2 no `multiValueHeaders` is left behind
 * once its cookies have moved to `cookies[]`.
 *
 * @example
 * ```ts
 * placeCookies({ statusCode: 200, headers: { 'set-cookie': 'a=1' }, body: '' }, '2.0', ['_idx=…'])
 * // { …, headers: {}, cookies: ['a=1', '_idx=…'] }
 * ```
 * @param res the formatted result (modified)
 * @param version the event's payload version
 * @param extra more cookies, sent last
 */
export function placeCookies(res: ArcResult, version: string | undefined, extra: (string | undefined)[]): ArcResult {
  const all: string[] = []
  take(res.headers, all)
  const inMulti = take(res.multiValueHeaders, all)
  if (Array.isArray(res.cookies)) all.push(...res.cookies.filter((c) => typeof c === 'string' && c))
  for (const cookie of extra) if (typeof cookie === 'string' && cookie) all.push(cookie)
  if (inMulti && Object.keys(res.multiValueHeaders!).length === 0) delete res.multiValueHeaders
  if (all.length === 0) return res
  delete res.cookies
  if (version === '2.0') res.cookies = all
  else if (all.length === 1 && !inMulti) res.headers['set-cookie'] = all[0]!
  else res.multiValueHeaders = { ...res.multiValueHeaders, 'set-cookie': all }
  return res
}
