/**
 * The counter's WebSocket on Node, for real: `serve()` with @hono/node-ws, and
 * a `ws` client that sends the session cookie in its upgrade request.
 */
import { connect as connectTcp } from 'node:net'
import { createNodeWebSocket } from '@hono/node-ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { counterSocket, createCounterApp } from '../../examples/counter/app.js'
import { type RunningServer, serve } from '../../adapters/node.js'
import { memoryStore, type SessionStore } from '../../src/index.js'
import { CookieJar, SECRET } from '../helpers.js'
import { count, hostileTable, show } from '../e2e/counter-suite.js'
import { connect } from './client.js'

async function startCounter(store?: SessionStore): Promise<RunningServer> {
  const app = createCounterApp({ secret: SECRET, ...(store ? { store } : {}) })
  const { upgradeWebSocket, injectWebSocket } = createNodeWebSocket({ app })
  app.get('/ws', upgradeWebSocket(counterSocket))
  return serve(app.fetch, { port: 0, hostname: '127.0.0.1', injectWebSocket })
}

describe('the counter over a WebSocket on Node, with a server store (memory)', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startCounter(memoryStore())
  })
  afterAll(() => server?.close())

  it('sends the count on open, counts by id, and HTTP sees it', async () => {
    const jar = new CookieJar()
    expect(await count(jar, server.url)).toBe(1)
    expect(await (await jar.fetch(`${server.url}/`)).text()).toContain('>Count over WebSocket</button>') // the page offers it
    const socket = await connect(`${server.url}/ws`, jar.header())
    expect(await socket.next()).toEqual({ count: 1 })
    socket.send('count')
    expect(await socket.next()).toEqual({ count: 2 })
    expect(await show(jar, server.url)).toBe(2)
    expect(await count(jar, server.url)).toBe(3) // a change over HTTP, seen by the socket's next message
    socket.send('count')
    expect(await socket.next()).toEqual({ count: 4 })
    expect(await show(jar, server.url)).toBe(4)
    socket.close()
  })

  it('handles a burst of messages one at a time, in order', async () => {
    const jar = new CookieJar()
    await jar.fetch(`${server.url}/start`, { method: 'POST' })
    const socket = await connect(`${server.url}/ws`, jar.header())
    expect(await socket.next()).toEqual({ count: 0 })
    for (let i = 0; i < 10; i++) socket.send('count')
    for (let i = 1; i <= 10; i++) expect(await socket.next()).toEqual({ count: i })
    expect(await show(jar, server.url)).toBe(10)
    socket.close()
  })

  it('closes a socket with 4401 on its next message after POST /reset, and does not bring the session back', async () => {
    const jar = new CookieJar()
    expect(await count(jar, server.url)).toBe(1)
    const cookie = jar.header()
    const socket = await connect(`${server.url}/ws`, cookie)
    expect(await socket.next()).toEqual({ count: 1 })
    await jar.fetch(`${server.url}/reset`, { method: 'POST' })
    socket.send('count')
    expect(await socket.closed()).toEqual({ code: 4401, reason: 'session ended' })
    const stale = new CookieJar()
    stale.cookies.set('_idx', cookie.replace(/^_idx=/, ''))
    expect(await show(stale, server.url)).toBe(0)
  })

  it('answers a socket without a session with an error, and keeps it open', async () => {
    const socket = await connect(`${server.url}/ws`)
    expect(await socket.next()).toEqual({ count: 0 })
    socket.send('count')
    expect(await socket.next()).toEqual({ error: expect.stringContaining('start one over HTTP first') })
    socket.send('hello')
    expect(await socket.next()).toEqual({ error: 'unknown message: send "count"' })
    socket.close()
  })
})

describe('the counter over a WebSocket on Node, with the cookie store', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startCounter()
  })
  afterAll(() => server?.close())

  it('reads the cookie session; saving is an error naming a server-side store, and the socket stays open', async () => {
    const jar = new CookieJar()
    await count(jar, server.url)
    expect(await count(jar, server.url)).toBe(2)
    expect(await (await jar.fetch(`${server.url}/`)).text()).not.toContain('Count over WebSocket</button>') // the page does not offer it
    const socket = await connect(`${server.url}/ws`, jar.header())
    expect(await socket.next()).toEqual({ count: 2 })
    for (let i = 0; i < 2; i++) {
      socket.send('count')
      expect(await socket.next()).toEqual({ error: expect.stringMatching(/server-side store/) })
    }
    expect(socket.ws.readyState).toBe(socket.ws.OPEN)
    expect(await show(jar, server.url)).toBe(2)
    socket.close()
  })

  it('survives hostile upgrades: bad cookies, none, 8 KB of junk, a bad URL, a vanishing client', async () => {
    const jar = new CookieJar()
    await count(jar, server.url)
    for (const [name, value] of Object.entries(await hostileTable(jar.cookies.get('_idx')!))) {
      const socket = await connect(`${server.url}/ws`, `_idx=${value}`)
      expect(await socket.next(), name).toEqual({ count: 0 })
      socket.close()
    }
    const junk = await connect(`${server.url}/ws`, `_idx=${'%'.repeat(4096)}; x=${'A'.repeat(4096)}`)
    expect(await junk.next()).toEqual({ count: 0 })
    junk.close()

    const raw = async (request: string, abort = false) =>
      new Promise<string>((resolve) => {
        const socket = connectTcp(server.port, '127.0.0.1', () => {
          socket.write(request)
          if (abort) socket.resetAndDestroy()
        })
        let answer = ''
        socket.on('data', (chunk) => (answer += chunk.toString()))
        socket.on('error', () => resolve(answer))
        socket.on('close', () => resolve(answer))
        socket.setTimeout(5000, () => socket.destroy()) // a hung upgrade fails the expectation, not the run
      })
    const upgrade = (target: string, extra = '') =>
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`
    expect(await raw(upgrade('http://[::1'))).toMatch(/^HTTP\/1.1 400/)
    await raw(upgrade('/ws', `Cookie: _idx=${'A'.repeat(8192)}\r\n`), true)
    await raw(upgrade('/ws'), true)
    expect(await raw(upgrade('/ws').replace('Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n', ''))).toMatch(/^HTTP\/1.1 400/)
    expect(await raw(upgrade('/').replace('websocket', 'h2c'))).toMatch(/^HTTP\/1.1 /)
    expect(await show(new CookieJar(), server.url)).toBe(0) // still serving
  })
})
