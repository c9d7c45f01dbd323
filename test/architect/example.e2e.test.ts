/**
 * The Architect example (examples/architect) end to end under Architect's
 * sandbox, started with `npm run start:architect`'s script: the counter, the
 * login flow with its auth middleware, the flash message, and a custom
 * ARC_APP_SECRET from the shell reaching the functions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CookieJar } from '../helpers.js'
import { loadArc, setEnv } from './arc.js'
import { arcKey, decryptCookie } from './normalise.js'
import { startExample, type RunningExample } from './sandbox.js'

const CUSTOM_SECRET = 'a-custom-secret-from-the-shell-0123456789'
let app: RunningExample

beforeAll(async () => {
  app = await startExample({ ARC_APP_SECRET: CUSTOM_SECRET })
})

afterAll(async () => {
  await app?.stop()
})

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
})
const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1]!

describe('the counter', () => {
  const jar = new CookieJar()

  it('counts, keeps the count in the session cookie, and resets', async () => {
    let page = await jar.fetch(`${app.url}/`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Count 0')

    for (const expected of [1, 2]) {
      const posted = await jar.fetch(`${app.url}/count`, { method: 'POST' })
      expect(posted.status).toBe(302)
      expect(posted.headers.get('location')).toBe('/')
      expect(await (await jar.fetch(`${app.url}/`)).text()).toContain(`Count ${expected}`)
    }

    await jar.fetch(`${app.url}/reset`, { method: 'POST' })
    page = await jar.fetch(`${app.url}/`)
    expect(await page.text()).toContain('Count 0')
  })

  it("the shell's ARC_APP_SECRET reaches the functions: the cookie opens with it, and Architect reads it", async () => {
    await jar.fetch(`${app.url}/count`, { method: 'POST' })
    const cookie = `_idx=${jar.cookies.get('_idx')}`
    expect(await decryptCookie(cookie, arcKey(CUSTOM_SECRET))).toMatchObject({ count: 1 })
    await expect(decryptCookie(cookie, arcKey('12345678901234567890123456789012'))).rejects.toThrow()
    setEnv({ ARC_SESSION_TABLE_NAME: 'jwe', ARC_APP_SECRET: CUSTOM_SECRET })
    expect(await loadArc().http.session.read({ headers: { cookie } })).toMatchObject({ count: 1 })
  })
})

describe('the login flow', () => {
  const jar = new CookieJar()

  it('guards /account, flashes a failed login once, logs in and out', async () => {
    let response = await jar.fetch(`${app.url}/account`)
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/login')

    let html = await (await jar.fetch(`${app.url}/login`)).text()
    expect(html).not.toContain('Invalid username or password')
    response = await jar.fetch(`${app.url}/login`, form({ username: 'admin', password: 'wrong', csrf: csrfOf(html) }))
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/login')

    html = await (await jar.fetch(`${app.url}/login`)).text()
    expect(html).toContain('Invalid username or password')
    html = await (await jar.fetch(`${app.url}/login`)).text()
    expect(html).not.toContain('Invalid username or password')

    response = await jar.fetch(`${app.url}/login`, form({ username: 'admin', password: 'a-secure-password', csrf: csrfOf(html) }))
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/account')
    response = await jar.fetch(`${app.url}/account`)
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('Welcome, admin.')

    response = await jar.fetch(`${app.url}/logout`, { method: 'POST' })
    expect(response.status).toBe(302)
    expect(response.headers.get('set-cookie')).toMatch(/^_idx=; Max-Age=0/)
    expect(jar.cookies.has('_idx')).toBe(false)
    expect((await jar.fetch(`${app.url}/account`)).status).toBe(302)
  })

  it('refuses a login without a valid CSRF token', async () => {
    const response = await jar.fetch(`${app.url}/login`, form({ username: 'admin', password: 'a-secure-password', csrf: 'forged.1.abc' }))
    expect(response.status).toBe(403)
  })
})
