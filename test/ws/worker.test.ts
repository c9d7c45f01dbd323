/**
 * The counter's WebSocket in workerd (Miniflare), with the KV store and the
 * cookie store, and Hono's own Workers upgradeWebSocket behind the middleware.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CookieJar, SECRET } from '../helpers.js'
import { count, show } from '../e2e/counter-suite.js'
import { type Runtime, startWorker } from '../e2e/runtimes.js'
import { connect } from './client.js'

describe('the counter over a WebSocket in workerd', () => {
  let kv: Runtime // the counter's Worker entry plus a route on Hono's own upgradeWebSocket
  let cookie: Runtime
  beforeAll(async () => {
    ;[kv, cookie] = await Promise.all([
      startWorker({ ARC_APP_SECRET: SECRET, ARC_SESSION_TABLE_NAME: 'SESSIONS' }, 'test/ws/fixtures/hono-upgrade-worker.ts'),
      startWorker({ ARC_APP_SECRET: SECRET }),
    ])
  })
  afterAll(async () => {
    await Promise.all([kv?.stop(), cookie?.stop()])
  })

  it('KV: sends the count on open, counts by id, HTTP sees it; after POST /reset the socket closes with 4401', async () => {
    const jar = new CookieJar()
    expect(await count(jar, kv.url)).toBe(1)
    const socket = await connect(`${kv.url}/ws`, jar.header())
    expect(await socket.next()).toEqual({ count: 1 })
    socket.send('count')
    expect(await socket.next()).toEqual({ count: 2 })
    socket.send('count')
    expect(await socket.next()).toEqual({ count: 3 })
    expect(await show(jar, kv.url)).toBe(3)
    await jar.fetch(`${kv.url}/reset`, { method: 'POST' })
    socket.send('count')
    expect(await socket.closed()).toEqual({ code: 4401, reason: 'session ended' })
  })

  it('cookie store: reads the session, answers count with the server-side-store error, stays open', async () => {
    const jar = new CookieJar()
    expect(await count(jar, cookie.url)).toBe(1)
    const socket = await connect(`${cookie.url}/ws`, jar.header())
    expect(await socket.next()).toEqual({ count: 1 })
    socket.send('count')
    expect(await socket.next()).toEqual({ error: expect.stringMatching(/server-side store/) })
    socket.send('count')
    expect(await socket.next()).toEqual({ error: expect.stringMatching(/server-side store/) })
    expect(socket.ws.readyState).toBe(socket.ws.OPEN)
    socket.close()
  })

  it('hostile upgrades get a fresh session and the Worker keeps serving', async () => {
    for (const value of ['garbage', 'A'.repeat(8192), '%E0%A4%A%ZZ', '....']) {
      const socket = await connect(`${cookie.url}/ws`, `_idx=${value}`)
      expect(await socket.next()).toEqual({ count: 0 })
      socket.close()
    }
    expect(await show(new CookieJar(), cookie.url)).toBe(0)
  })

  it('refuses an upgrade from a foreign Origin with 403; opens for its own origin, and for origins allowed by a list or a predicate', async () => {
    const jar = new CookieJar()
    expect(await count(jar, kv.url)).toBe(1)
    for (const origin of ['https://evil.example.com', 'null', new URL(kv.url).origin.replace(/:\d+$/, ':1')]) {
      await expect(connect(`${kv.url}/ws`, jar.header(), 10_000, origin), origin).rejects.toThrow('upgrade refused: 403')
    }
    const same = await connect(`${kv.url}/ws`, jar.header(), 10_000, kv.url)
    expect(await same.next()).toEqual({ count: 1 })
    same.close()
    for (const [path, origin] of [
      ['/ws-listed', 'https://app.example.com'],
      ['/ws-predicate', 'https://app.example.com'],
    ] as const) {
      const socket = await connect(`${kv.url}${path}`, jar.header(), 10_000, origin)
      expect(await socket.next(), path).toEqual({ count: 1 })
      socket.close()
      await expect(connect(`${kv.url}${path}`, jar.header(), 10_000, 'https://app.example.org'), path).rejects.toThrow(
        'upgrade refused: 403',
      )
    }
    expect(await show(jar, kv.url)).toBe(1)
  })

  it("passes the 101 through untouched under hono/cloudflare-workers' upgradeWebSocket, even when the upgrade changed the session", async () => {
    const jar = new CookieJar()
    expect(await count(jar, kv.url)).toBe(1)
    const socket = await connect(`${kv.url}/hono-ws`, jar.header())
    socket.send('hello')
    expect(await socket.next()).toEqual({ count: 1 }) // the upgrade's change was not saved
    // (left open: Hono's Workers adapter does not answer a client's close, which workerd would log as a hung request)
    expect(await show(jar, kv.url)).toBe(1)
  })
})
