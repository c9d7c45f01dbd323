/**
 * The checks every runtime passes: count, reset, the cookie's attributes and
 * the hostile-cookie table, driven over HTTP with a cookie jar; and what the
 * page offers for the WebSocket, with the socket itself where there is one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jweKeyBytes } from '../../src/crypto/keyring.js'
import { CookieJar, SECRET } from '../helpers.js'
import { hostileCookies, tokenIssuedAt } from '../integration/hostile-cookies.js'
import { connect } from '../ws/client.js'
import type { Runtime } from './runtimes.js'

/**
 * The counter's WebSocket on a runtime: `counts` (a server-side store and
 * `GET /ws`: the page has the button, the socket counts), `cookie-store`
 * (`GET /ws` reads the session, a `count` answers an error, the page has a
 * note instead of the button), or `none` (no `GET /ws`, no button).
 */
export type SocketExpectation = 'counts' | 'cookie-store' | 'none'

const BUTTON = '<button type="button" id="ws">Count over WebSocket</button>'

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
 * @param socket what the page and `GET /ws` offer on this runtime
 */
export function counterSuite(name: string, start: () => Promise<Runtime>, socket: SocketExpectation): void {
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

    if (socket === 'counts') {
      it('offers "Count over WebSocket", and the socket counts on from the count the page shows', async () => {
        const jar = new CookieJar()
        expect(await count(jar, runtime.url)).toBe(1) // one click on Count
        const page = await (await jar.fetch(`${runtime.url}/`)).text()
        expect(page).toContain(BUTTON)
        const ws = await connect(`${runtime.url}/ws`, jar.header())
        expect(await ws.next()).toEqual({ count: 1 })
        ws.send('count')
        expect(await ws.next()).toEqual({ count: 2 })
        ws.close()
        expect(await show(jar, runtime.url)).toBe(2)
      })
    } else {
      it(`offers no WebSocket button${socket === 'cookie-store' ? ': it says why and names npm run start:redis and start:dynamo' : ''}`, async () => {
        const jar = new CookieJar()
        expect(await count(jar, runtime.url)).toBe(1)
        const page = await (await jar.fetch(`${runtime.url}/`)).text()
        expect(page).not.toContain('id="ws"')
        expect(page).not.toContain("'/ws'") // nor the button's script (Architect's sandbox adds a WebSocket of its own, for live reload)
        if (socket === 'cookie-store') {
          expect(page).toMatch(/needs a server-side store/)
          expect(page).toContain('<code>npm run start:redis</code>')
          expect(page).toContain('<code>npm run start:dynamo</code>')
        } else {
          expect(page).not.toContain('npm run start:redis')
        }
      })
    }

    if (socket === 'cookie-store') {
      it('still serves GET /ws: the socket reads the cookie session, and a count answers why it cannot save', async () => {
        const jar = new CookieJar()
        expect(await count(jar, runtime.url)).toBe(1)
        const ws = await connect(`${runtime.url}/ws`, jar.header())
        expect(await ws.next()).toEqual({ count: 1 })
        ws.send('count')
        expect(await ws.next()).toEqual({ error: expect.stringMatching(/server-side store/) })
        ws.close()
        expect(await show(jar, runtime.url)).toBe(1)
      })
    }
  })
}
