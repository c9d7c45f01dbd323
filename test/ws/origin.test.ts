/**
 * Cross-site WebSocket hijacking on Node, for real: `serve()` with
 * @hono/node-ws, and `ws` clients sending the visitor's cookie with the
 * `Origin` a browser would send. A page on another origin (a sibling
 * subdomain) is refused with a 403 before any socket opens; the app's own
 * origin, a client without `Origin`, and origins the app allows get a socket.
 */
import { createNodeWebSocket } from '@hono/node-ws'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, serve } from '../../adapters/node.js'
import { memoryStore, type SessionEnv, type SessionSocketOptions, sessions, sessionSocket, webSocketOrigins } from '../../src/index.js'
import { CookieJar, SECRET } from '../helpers.js'
import { connect } from './client.js'

type Data = { user: string }

describe('the Origin of a WebSocket upgrade, on Node', () => {
  let server: RunningServer
  let opened = 0
  const seen: string[] = []
  beforeAll(async () => {
    const app = new Hono<SessionEnv<Data>>()
    app.use(sessions<Data>({ secret: SECRET, store: memoryStore() }))
    app.post('/login', (c) => {
      c.get('session').set('user', 'victim')
      return c.text('ok')
    })
    const { upgradeWebSocket, injectWebSocket } = createNodeWebSocket({ app })
    const socket = (options?: SessionSocketOptions) =>
      upgradeWebSocket((c) =>
        sessionSocket<Data>(
          c,
          {
            async open(socket, ws) {
              opened++
              ws.send(JSON.stringify({ user: (await socket.session.get('user')) ?? null }))
            },
          },
          options,
        ),
      )
    app.get('/ws', socket())
    app.get('/ws/listed', socket({ origins: ['https://app.example.com', 'http://localhost:5173/'] }))
    app.get(
      '/ws/predicate',
      socket({
        origins: (origin, request) => {
          seen.push(`${origin} ${new URL(request.url).pathname}`)
          return /^https:\/\/[a-z]+\.example\.com$/.test(origin)
        },
      }),
    )
    server = await serve(app.fetch, { port: 0, hostname: '127.0.0.1', injectWebSocket })
  })
  afterAll(() => server?.close())

  async function login(): Promise<string> {
    const jar = new CookieJar()
    expect((await jar.fetch(`${server.url}/login`, { method: 'POST' })).status).toBe(200)
    return jar.header()
  }

  it('refuses a foreign Origin with 403, and no socket opens', async () => {
    const cookie = await login()
    const before = opened
    for (const origin of ['https://evil.example.com', `http://127.0.0.1:${server.port + 1}`, 'http://localhost', 'null', 'garbage']) {
      await expect(connect(`${server.url}/ws`, cookie, 10_000, origin), origin).rejects.toThrow('upgrade refused: 403')
    }
    expect(opened).toBe(before)
  })

  it('opens for the same origin, and for a client that sends no Origin (not a browser)', async () => {
    const cookie = await login()
    const same = await connect(`${server.url}/ws`, cookie, 10_000, server.url)
    expect(await same.next()).toEqual({ user: 'victim' })
    same.close()
    const none = await connect(`${server.url}/ws`, cookie)
    expect(await none.next()).toEqual({ user: 'victim' })
    none.close()
  })

  it('opens for origins allowed by a list, and still refuses others', async () => {
    const cookie = await login()
    for (const origin of ['https://app.example.com', 'http://localhost:5173', server.url]) {
      const socket = await connect(`${server.url}/ws/listed`, cookie, 10_000, origin)
      expect(await socket.next(), origin).toEqual({ user: 'victim' })
      socket.close()
    }
    for (const origin of ['https://evil.example.com', 'http://app.example.com', 'https://app.example.com:8443', 'null']) {
      await expect(connect(`${server.url}/ws/listed`, cookie, 10_000, origin), origin).rejects.toThrow('upgrade refused: 403')
    }
  })

  it('opens for origins a predicate allows, given the origin and the upgrade request', async () => {
    const cookie = await login()
    const socket = await connect(`${server.url}/ws/predicate`, cookie, 10_000, 'https://app.example.com')
    expect(await socket.next()).toEqual({ user: 'victim' })
    socket.close()
    await expect(connect(`${server.url}/ws/predicate`, cookie, 10_000, 'https://evil.example.org')).rejects.toThrow('upgrade refused: 403')
    expect(seen).toEqual(['https://app.example.com /ws/predicate', 'https://evil.example.org /ws/predicate'])
  })
})

describe('webSocketOrigins()', () => {
  const request = new Request('http://localhost/ws')
  it('compares the Origin host (and port) with the Host header', () => {
    const allowed = webSocketOrigins()
    expect(allowed(undefined, 'app.example.com', request)).toBe(true)
    expect(allowed('https://app.example.com', 'app.example.com', request)).toBe(true)
    expect(allowed('https://app.example.com', 'APP.example.com:443', request)).toBe(true) // the default port, spelled out
    expect(allowed('http://[::1]:3000', '[::1]:3000', request)).toBe(true)
    expect(allowed('https://app.example.com', 'app.example.com:8443', request)).toBe(false)
    expect(allowed('https://evil.example.com', 'app.example.com', request)).toBe(false)
    expect(allowed('https://app.example.com', undefined, request)).toBe(false)
    expect(allowed('https://app.example.com', 'evil.com/@app.example.com', request)).toBe(false)
    expect(allowed('null', 'app.example.com', request)).toBe(false)
    expect(allowed('', 'app.example.com', request)).toBe(false)
  })

  it('refuses entries that are not origins', () => {
    for (const entry of [
      'https://*.example.com',
      'https://app.example.com/path',
      'app.example.com',
      'null',
      '',
      'https://u:p@app.example.com',
    ]) {
      expect(() => webSocketOrigins([entry]), entry).toThrow(TypeError)
    }
    expect(() => webSocketOrigins('https://app.example.com' as never)).toThrow(TypeError)
  })
})
