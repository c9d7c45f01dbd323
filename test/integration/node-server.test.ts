/**
 * The counter and friends through a real Node HTTP server and `fetch`,
 * carrying each response's cookie into the next request.
 */
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SessionEnv, sessions } from 'seshjs'
import { type RunningServer, serve } from 'seshjs/node'
import { createCounterApp } from '../../examples/counter/app.js'
import { CookieJar, SECRET } from '../helpers.js'
import { hostileCookies, tokenIssuedAt } from './hostile-cookies.js'

const NEW_SECRET = 'NEW-secret-0123456789-abcdefghijklmnop'

function countOf(html: string): number {
  const match = /<button type="submit">Count (\d+)<\/button>/.exec(html)
  if (!match) throw new Error('no counter button in the page')
  return Number(match[1])
}

describe('the counter on a real Node server', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await serve(createCounterApp({ secret: SECRET }).fetch, { port: 0, hostname: '127.0.0.1' })
  })
  afterAll(() => server.close())

  it('counts three times, then resets', async () => {
    const jar = new CookieJar()
    const first = await jar.fetch(`${server.url}/`)
    expect(first.status).toBe(200)
    expect(first.headers.get('set-cookie')).toBeNull() // new visitor, empty session: no cookie
    expect(countOf(await first.text())).toBe(0)
    for (let i = 1; i <= 3; i++) {
      const post = await jar.fetch(`${server.url}/count`, { method: 'POST' })
      expect(post.status).toBe(302)
      expect(post.headers.get('location')).toBe('/')
      const page = await jar.fetch(`${server.url}/`)
      expect(countOf(await page.text())).toBe(i)
    }
    const cookie = jar.cookies.get('_idx')!
    expect(cookie.split('.')).toHaveLength(5) // compact JWE
    const reset = await jar.fetch(`${server.url}/reset`, { method: 'POST' })
    expect(reset.status).toBe(302)
    expect(reset.headers.get('set-cookie')).toMatch(/^_idx=; Max-Age=0; Path=\/; HttpOnly; SameSite=Lax$/)
    expect(countOf(await (await jar.fetch(`${server.url}/`)).text())).toBe(0)
  })

  it('treats every hostile cookie as a fresh, empty session: 200, never 500', async () => {
    const jar = new CookieJar()
    await jar.fetch(`${server.url}/count`, { method: 'POST' })
    const valid = jar.cookies.get('_idx')!
    const now = Math.floor(Date.now() / 1000)
    const key = new TextEncoder().encode(SECRET.slice(0, 32))
    const table = {
      ...(await hostileCookies(valid, now)),
      expired: await tokenIssuedAt(key, now - 7 * 24 * 3600 - 60),
      no_iat: await tokenIssuedAt(key, 0),
    }
    for (const [name, value] of Object.entries(table)) {
      const response = await fetch(`${server.url}/`, { headers: { cookie: `_idx=${value}` } })
      expect(response.status, name).toBe(200)
      expect(countOf(await response.text()), name).toBe(0)
      const post = await fetch(`${server.url}/count`, { method: 'POST', headers: { cookie: `_idx=${value}` }, redirect: 'manual' })
      expect(post.status, name).toBe(302)
    }
    // and the valid cookie still works after all that
    const ok = await fetch(`${server.url}/`, { headers: { cookie: `_idx=${valid}` } })
    expect(countOf(await ok.text())).toBe(1)
  })

  it('uses the last of several _idx cookies', async () => {
    const jar = new CookieJar()
    await jar.fetch(`${server.url}/count`, { method: 'POST' })
    const response = await fetch(`${server.url}/`, { headers: { cookie: `_idx=garbage; _idx=${jar.cookies.get('_idx')}` } })
    expect(countOf(await response.text())).toBe(1)
  })
})

type Data = { user?: string; visits?: number; message?: string }

function accountApp(secrets: string[]) {
  const app = new Hono<SessionEnv<Data>>()
  app.use(sessions<Data>({ secrets }))
  app.post('/login', async (c) => {
    const form = await c.req.parseBody()
    const session = c.get('session')
    if (form.password !== 'a-secure-password') {
      session.flash('message', 'Invalid username or password')
      return c.redirect('/login')
    }
    session.regenerate()
    session.set('user', String(form.username))
    return c.redirect('/account')
  })
  app.get('/login', async (c) => c.text((await c.get('session').get('message')) ?? 'Please log in'))
  app.get('/account', async (c) => {
    const session = c.get('session')
    const user = await session.get('user')
    if (!user) return c.redirect('/login')
    const visits = ((await session.get('visits')) ?? 0) + 1
    session.set('visits', visits)
    return c.text(`${user}:${visits}`)
  })
  app.post('/logout', (c) => {
    c.get('session').destroy()
    return c.redirect('/login')
  })
  return app
}

describe('login, flash, regenerate, destroy and rotation on a real server', () => {
  let oldServer: RunningServer
  let rotatedServer: RunningServer
  beforeAll(async () => {
    oldServer = await serve(accountApp([SECRET]).fetch, { port: 0, hostname: '127.0.0.1' })
    rotatedServer = await serve(accountApp([NEW_SECRET, SECRET]).fetch, { port: 0, hostname: '127.0.0.1' })
  })
  afterAll(async () => {
    await oldServer.close()
    await rotatedServer.close()
  })

  const login = (jar: CookieJar, url: string, password: string) =>
    jar.fetch(`${url}/login`, { method: 'POST', body: new URLSearchParams({ username: 'admin', password }) })

  it('shows a flash once, after a failed login', async () => {
    const jar = new CookieJar()
    expect((await login(jar, oldServer.url, 'wrong')).headers.get('location')).toBe('/login')
    expect(await (await jar.fetch(`${oldServer.url}/login`)).text()).toBe('Invalid username or password')
    expect(await (await jar.fetch(`${oldServer.url}/login`)).text()).toBe('Please log in')
  })

  it('regenerates on login (the pre-login cookie does not carry the login) and destroys on logout', async () => {
    const jar = new CookieJar()
    await login(jar, oldServer.url, 'wrong')
    const before = jar.cookies.get('_idx')
    await login(jar, oldServer.url, 'a-secure-password')
    expect(jar.cookies.get('_idx')).not.toBe(before)
    expect(await (await jar.fetch(`${oldServer.url}/account`)).text()).toBe('admin:1')
    const logout = await jar.fetch(`${oldServer.url}/logout`, { method: 'POST' })
    expect(logout.headers.get('set-cookie')).toMatch(/Max-Age=0/)
    expect((await jar.fetch(`${oldServer.url}/account`)).headers.get('location')).toBe('/login')
  })

  it('reads old-secret cookies after rotation and re-seals them with the new secret', async () => {
    const jar = new CookieJar()
    await login(jar, oldServer.url, 'a-secure-password')
    expect(await (await jar.fetch(`${rotatedServer.url}/account`)).text()).toBe('admin:1')
    // the rotated server re-sealed with NEW_SECRET: the old server can no longer read it
    expect((await jar.fetch(`${oldServer.url}/account`)).headers.get('location')).toBe('/login')
  })
})
