/**
 * The Architect example's `@ws` under Architect's sandbox with DynamoDB
 * sessions (`npm run start:architect`, `ARC_SESSION_TABLE_NAME=sessions`):
 * `$connect` refuses visitors who are not logged in, the socket knows who is,
 * counts in the session HTTP shows, and stops working at logout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CookieJar } from '../helpers.js'
import { freePort, startExample, type RunningExample } from './sandbox.js'
import { connect } from '../ws/client.js'

const SECRET = 'a-websocket-secret-from-the-shell-0123456789'
const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
})
const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1]!

describe("the Architect example's @ws (sandbox, DynamoDB sessions)", () => {
  let app: RunningExample
  beforeAll(async () => {
    app = await startExample({
      ARC_SESSION_TABLE_NAME: 'sessions',
      ARC_APP_SECRET: SECRET,
      ARC_INTERNAL_PORT: String(await freePort()),
      ARC_TABLES_PORT: String(await freePort()),
    })
  })
  afterAll(async () => {
    await app?.stop()
  })

  it('refuses a visitor who is not logged in, and a hostile cookie, with 401', async () => {
    await expect(connect(app.url)).rejects.toThrow(/401/)
    await expect(connect(app.url, `_idx=${'A'.repeat(8192)}`)).rejects.toThrow(/401/)
  })

  it('knows who is logged in, counts in the session HTTP shows, and ends at logout', async () => {
    const jar = new CookieJar()
    const html = await (await jar.fetch(`${app.url}/login`)).text()
    const login = await jar.fetch(`${app.url}/login`, form({ username: 'admin', password: 'a-secure-password', csrf: csrfOf(html) }))
    expect(login.status).toBe(302)

    // a page of another origin is refused before $connect's handler runs (the sandbox passes the browser's Origin and Host)
    await expect(connect(app.url, jar.header(), 30_000, 'https://evil.example.com')).rejects.toThrow('upgrade refused: 403')
    const sameOrigin = await connect(app.url, jar.header(), 30_000, new URL(app.url).origin)
    sameOrigin.send('whoami')
    expect(await sameOrigin.next()).toEqual({ user: 'admin' })
    sameOrigin.close()

    const socket = await connect(app.url, jar.header(), 30_000)
    socket.send('whoami')
    expect(await socket.next()).toEqual({ user: 'admin' })
    socket.send('count')
    expect(await socket.next()).toEqual({ count: 1 })
    socket.send('count')
    expect(await socket.next()).toEqual({ count: 2 })
    expect(await (await jar.fetch(`${app.url}/`)).text()).toContain('Count 2')
    await jar.fetch(`${app.url}/count`, { method: 'POST' }) // HTTP changes are seen by the socket
    socket.send('count')
    expect(await socket.next()).toEqual({ count: 4 })

    await jar.fetch(`${app.url}/logout`, { method: 'POST' })
    socket.send('whoami')
    expect(await socket.next()).toEqual({ error: 'session ended' })
    expect((await socket.closed()).code).toBeGreaterThan(0) // the sandbox closes it (API Gateway's DeleteConnection)
  })
})
