/**
 * The checks every runtime passes: count, reset, the cookie's attributes and
 * the hostile-cookie table, driven over HTTP with a cookie jar.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jweKeyBytes } from '../../src/crypto.js'
import { CookieJar, SECRET } from '../helpers.js'
import { hostileCookies, tokenIssuedAt } from '../integration/hostile-cookies.js'
import type { Runtime } from './runtimes.js'

/** The count the page shows. */
export function countOf(html: string): number {
  const match = /<button type="submit">Count (\d+)<\/button>/.exec(html)
  if (!match) throw new Error(`no counter on the page: ${html.slice(0, 200)}`)
  return Number(match[1])
}

/** POST /count with the jar, as the form does; returns the count the redirect target shows. */
export async function count(jar: CookieJar, url: string): Promise<number> {
  const post = await jar.fetch(`${url}/count`, { method: 'POST' })
  expect(post.status).toBe(302)
  expect(post.headers.get('location')).toBe('/')
  return show(jar, url)
}

/** GET / with the jar; the count shown. */
export async function show(jar: CookieJar, url: string): Promise<number> {
  const page = await jar.fetch(`${url}/`)
  expect(page.status).toBe(200)
  return countOf(await page.text())
}

/** The start of an error page, as text. */
function summary(html: string): string {
  return html
    .replace(/<(style|script)>[\s\S]*?<\/(style|script)>/g, '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .slice(0, 300)
}

/** The hostile `_idx` values, plus one sealed with the right key but expired. */
export async function hostileTable(valid: string): Promise<Record<string, string>> {
  const now = Math.floor(Date.now() / 1000)
  return {
    ...(await hostileCookies(valid, now)),
    expired: await tokenIssuedAt(jweKeyBytes(SECRET, 'A256GCM'), now - 30 * 24 * 60 * 60),
  }
}

/**
 * Registers the counter suite for one runtime, started with `SECRET`.
 *
 * @param name the suite's name
 * @param start starts the runtime
 */
export function counterSuite(name: string, start: () => Promise<Runtime>): void {
  describe(`the counter on ${name}`, () => {
    let runtime: Runtime
    beforeAll(async () => {
      runtime = await start()
    })
    afterAll(async () => {
      await runtime?.stop()
    })

    it('counts to three, then resets to zero', async () => {
      const jar = new CookieJar()
      expect(await show(jar, runtime.url)).toBe(0)
      expect(jar.cookies.size).toBe(0) // an anonymous visit writes no session
      expect(await count(jar, runtime.url)).toBe(1)
      expect(await count(jar, runtime.url)).toBe(2)
      expect(await count(jar, runtime.url)).toBe(3)
      const reset = await jar.fetch(`${runtime.url}/reset`, { method: 'POST' })
      expect(reset.status).toBe(302)
      expect(reset.headers.getSetCookie().join('\n')).toMatch(/Max-Age=0/)
      expect(jar.cookies.has('_idx')).toBe(false)
      expect(await show(jar, runtime.url)).toBe(0)
    })

    it('sets one HttpOnly, SameSite=Lax, Path=/ session cookie', async () => {
      const response = await fetch(`${runtime.url}/count`, { method: 'POST', redirect: 'manual' })
      const cookies = response.headers.getSetCookie()
      expect(cookies).toHaveLength(1)
      expect(cookies[0]).toMatch(/^_idx=[^;]+;/)
      expect(cookies[0]).toMatch(/; HttpOnly/)
      expect(cookies[0]).toMatch(/; SameSite=Lax/)
      expect(cookies[0]).toMatch(/; Path=\//)
    })

    it('answers every hostile cookie with 200 and Count 0, never a 500', async () => {
      const jar = new CookieJar()
      await count(jar, runtime.url)
      const valid = jar.cookies.get('_idx')!
      const table = await hostileTable(valid)
      const statuses: Record<string, string> = {}
      // one at a time: under the sandbox each request is a fresh process, and a burst on a busy
      // 2-core machine could outlast the function's timeout
      for (const [kind, value] of Object.entries(table)) {
        const response = await fetch(`${runtime.url}/`, { headers: { cookie: `_idx=${value}` } })
        const text = await response.text()
        statuses[kind] = `${response.status} ${response.status === 200 ? countOf(text) : summary(text)}`
      }
      expect(statuses).toEqual(Object.fromEntries(Object.keys(table).map((kind) => [kind, '200 0'])))
      // the genuine cookie still works after all that
      expect(await show(jar, runtime.url)).toBe(1)
    })
  })
}
