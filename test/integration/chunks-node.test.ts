/**
 * Chunked cookie sessions through a real Node server (seshjs/node) and
 * `fetch`, carrying every cookie of each response into the next request, and
 * over a WebSocket whose upgrade request carries the chunks.
 */
import { createNodeWebSocket } from '@hono/node-ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, serve } from 'seshjs/node'
import { CookieJar, SECRET } from '../helpers.js'
import { connect } from '../ws/client.js'
import { chunksSocket, createChunksApp } from './chunks-app.js'

const chunkNames = (jar: CookieJar) => [...jar.cookies.keys()].sort()
const shown = async (jar: CookieJar, url: string) => {
  const html = await (await jar.fetch(`${url}/`)).text()
  return { size: Number(/id="size">(\d+)/.exec(html)![1]), count: Number(/id="count">(\d+)/.exec(html)![1]) }
}

describe('chunked cookies on a real Node server', () => {
  let server: RunningServer
  beforeAll(async () => {
    const app = createChunksApp(SECRET)
    const { upgradeWebSocket, injectWebSocket } = createNodeWebSocket({ app })
    app.get('/ws', upgradeWebSocket(chunksSocket))
    server = await serve(app.fetch, { port: 0, hostname: '127.0.0.1', injectWebSocket })
  })
  afterAll(() => server?.close())

  it('a 10 KB session: four cookies, returned on every request, the count survives, shrinking expires the chunks', async () => {
    const jar = new CookieJar()
    const grown = await jar.fetch(`${server.url}/grow`, { method: 'POST' })
    expect(grown.status).toBe(303)
    expect(grown.headers.getSetCookie()).toHaveLength(4)
    expect(chunkNames(jar)).toEqual(['_idx', '_idx.1', '_idx.2', '_idx.3'])
    expect(jar.header().length).toBeGreaterThan(13_000) // it really is that big on the wire…
    expect(await shown(jar, server.url)).toEqual({ size: 10 * 1024, count: 0 }) // …and Node's 16 KB header limit takes it
    for (let n = 1; n <= 3; n++) {
      expect((await jar.fetch(`${server.url}/count`, { method: 'POST' })).status).toBe(303)
      expect(await shown(jar, server.url)).toEqual({ size: 10 * 1024, count: n })
      expect(chunkNames(jar)).toEqual(['_idx', '_idx.1', '_idx.2', '_idx.3'])
    }
    const shrunk = await jar.fetch(`${server.url}/shrink`, { method: 'POST' })
    expect(shrunk.headers.getSetCookie().filter((h) => /Max-Age=0/.test(h))).toHaveLength(3)
    expect(chunkNames(jar)).toEqual(['_idx'])
    expect(await shown(jar, server.url)).toEqual({ size: 5, count: 3 })
    await jar.fetch(`${server.url}/reset`, { method: 'POST' })
    expect(chunkNames(jar)).toEqual([])
  })

  it('a WebSocket upgrade carrying the chunks opens with the session', async () => {
    const jar = new CookieJar()
    await jar.fetch(`${server.url}/grow`, { method: 'POST' })
    const socket = await connect(`${server.url}/ws`, jar.header())
    expect(await socket.next()).toEqual({ started: true, size: 10 * 1024 })
    socket.close()
    jar.cookies.delete('_idx.2')
    const broken = await connect(`${server.url}/ws`, jar.header())
    expect(await broken.next()).toEqual({ started: false, size: 0 })
    broken.close()
  })

  it('hostile chunk sets are a fresh session: 200, never a 500', async () => {
    const jar = new CookieJar()
    await jar.fetch(`${server.url}/grow`, { method: 'POST' })
    const good = new Map(jar.cookies)
    const variants: Array<Map<string, string>> = []
    const missing = new Map(good)
    missing.delete('_idx.1')
    variants.push(missing)
    variants.push(new Map(good).set('_idx.1', good.get('_idx.2')!).set('_idx.2', good.get('_idx.1')!))
    variants.push(new Map(good).set('_idx', `50~${good.get('_idx')!.slice(2)}`))
    variants.push(new Map(good).set('_idx.3', 'x'.repeat(4000)))
    for (const cookies of variants) {
      const hostile = new CookieJar()
      for (const [name, value] of cookies) hostile.cookies.set(name, value)
      const response = await hostile.fetch(`${server.url}/`)
      expect(response.status).toBe(200)
      expect(response.headers.getSetCookie()).toEqual([]) // a read of a bad set sends nothing
      expect(/id="size">(\d+)/.exec(await response.text())![1]).toBe('0')
    }
  })
})
