/**
 * Sockets under load, on Node for real (`serve()` with @hono/node-ws, `ws`
 * clients), over a store that counts its reads and answers after 20 ms:
 * a burst of messages costs a read or two, not one per message; a flood
 * beyond the socket's queue closes it with 1008 and handles no more than the
 * bound; with `reload: false`, a save after a logout elsewhere is reported.
 */
import { createNodeWebSocket } from '@hono/node-ws'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, serve } from '../../adapters/node.js'
import {
  DEFAULT_MAX_QUEUED_MESSAGES,
  memoryStore,
  type MemoryStoreOptions,
  SOCKET_QUEUE_FULL_CLOSE_CODE,
  type SessionEnv,
  type SessionSocketOptions,
  type SessionStore,
  sessions,
  sessionSocket,
} from '../../src/index.js'
import { CookieJar, SECRET } from '../helpers.js'
import { connect } from './client.js'

type Data = { count: number }
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A memory store whose reads are counted and take `delayMs`. */
function slowStore(delayMs: number, options: MemoryStoreOptions = {}): SessionStore & { reads: number } {
  const inner = memoryStore(options)
  const store = Object.create(inner) as SessionStore & { reads: number }
  store.reads = 0
  store.read = async (value, context) => {
    store.reads++
    await sleep(delayMs)
    return inner.read(value, context)
  }
  return store
}

interface Served {
  server: RunningServer
  store: SessionStore & { reads: number }
  /** Messages that reached the handler, per route. */
  handled: Map<string, number>
  /** Errors the handlers reported, per route. */
  errors: string[]
}

async function start(storeOptions: MemoryStoreOptions = {}): Promise<Served> {
  const store = slowStore(20, storeOptions)
  const handled = new Map<string, number>()
  const errors: string[] = []
  const app = new Hono<SessionEnv<Data>>()
  app.use(sessions<Data>({ secret: SECRET, store }))
  app.post('/start', (c) => {
    c.get('session').set('count', 0)
    return c.text('ok')
  })
  app.post('/logout', (c) => {
    c.get('session').destroy()
    return c.text('bye')
  })
  const { upgradeWebSocket, injectWebSocket, wss } = createNodeWebSocket({ app })
  wss.options.maxPayload = 64 * 1024 // docs/websockets.md: @hono/node-ws 1.3 takes no ws options, its server's are read per upgrade
  const route = (path: string, options: SessionSocketOptions, save: boolean) =>
    app.get(
      path,
      upgradeWebSocket((c) =>
        sessionSocket<Data>(
          c,
          {
            async message(event, socket, ws) {
              handled.set(path, (handled.get(path) ?? 0) + 1)
              const count = ((await socket.session.get('count')) ?? 0) + 1
              if (save) {
                socket.session.set('count', count)
                await socket.save()
              }
              ws.send(JSON.stringify({ count, data: String(event.data) }))
            },
            error(error, _socket, ws) {
              errors.push(String(error))
              ws.close(1011, 'error')
            },
          },
          options,
        ),
      ),
    )
  route('/echo', {}, false)
  route('/count', {}, true)
  route('/small-queue', { maxQueuedMessages: 10 }, false)
  route('/no-reload', { reload: false }, true)
  const server = await serve(app.fetch, { port: 0, hostname: '127.0.0.1', injectWebSocket })
  return { server, store, handled, errors }
}

async function visitor(url: string): Promise<CookieJar> {
  const jar = new CookieJar()
  await jar.fetch(`${url}/start`, { method: 'POST' })
  return jar
}

describe('sockets under load (Node, a store of 20 ms reads)', () => {
  let served: Served
  let optimistic: Served
  beforeAll(async () => {
    ;[served, optimistic] = await Promise.all([start(), start({ concurrency: 'optimistic' })])
  })
  afterAll(async () => {
    await Promise.all([served?.server.close(), optimistic?.server.close()])
  })

  it('a burst of 50 messages costs a few reads, not 50, and every message is answered in order', async () => {
    const { server, store } = served
    const socket = await connect(`${server.url}/echo`, (await visitor(server.url)).header())
    await sleep(50) // the socket's open read is done
    const before = store.reads
    for (let i = 0; i < 50; i++) socket.send(String(i))
    for (let i = 0; i < 50; i++) expect(await socket.next()).toEqual({ count: 1, data: String(i) })
    expect(store.reads - before).toBeLessThanOrEqual(3)
    socket.close()
  })

  it('a burst of saving messages counts 1..20 (each sees the last save), with any store, optimistic included', async () => {
    for (const { server, errors } of [served, optimistic]) {
      const jar = await visitor(server.url)
      const socket = await connect(`${server.url}/count`, jar.header())
      for (let i = 0; i < 20; i++) socket.send('count')
      for (let i = 1; i <= 20; i++) expect(await socket.next()).toEqual({ count: i, data: 'count' })
      expect(errors).toEqual([])
      socket.close()
    }
  })

  it('a flood beyond the queue closes the socket with 1008 and handles no more than the bound', async () => {
    const { server, handled } = served
    const socket = await connect(`${server.url}/small-queue`, (await visitor(server.url)).header())
    for (let i = 0; i < 1000; i++) socket.send('x')
    expect(await socket.closed()).toEqual({ code: SOCKET_QUEUE_FULL_CLOSE_CODE, reason: 'too many messages' })
    await sleep(100) // what was waiting is dropped, not handled later
    expect(handled.get('/small-queue') ?? 0).toBeLessThanOrEqual(10 + 1) // the bound, plus the one being handled (none, when the flood beat the open's store read)
  })

  it('20,000 one-byte frames: closed with 1008 after at most the default bound handled, and a handful of reads', async () => {
    const { server, store, handled } = served
    const socket = await connect(`${server.url}/echo`, (await visitor(server.url)).header())
    await sleep(50)
    const [reads, before] = [store.reads, handled.get('/echo') ?? 0]
    for (let i = 0; i < 20_000; i++) socket.send('x')
    expect((await socket.closed()).code).toBe(SOCKET_QUEUE_FULL_CLOSE_CODE)
    await sleep(100)
    expect((handled.get('/echo') ?? 0) - before).toBeLessThanOrEqual(DEFAULT_MAX_QUEUED_MESSAGES + 1)
    expect(store.reads - reads).toBeLessThanOrEqual(3)
  })

  it("a message over the server's maxPayload closes the socket with 1009 before any handler sees it", async () => {
    const { server, handled } = served
    const socket = await connect(`${server.url}/small-queue`, (await visitor(server.url)).header())
    const before = handled.get('/small-queue') ?? 0
    socket.send('x'.repeat(64 * 1024 + 1))
    expect((await socket.closed()).code).toBe(1009)
    expect(handled.get('/small-queue') ?? 0).toBe(before)
  })

  it('reload: false — a save after a logout elsewhere is refused and reported: the socket closes with 4401', async () => {
    const { server, errors } = served
    const jar = await visitor(server.url)
    const socket = await connect(`${server.url}/no-reload`, jar.header())
    socket.send('count')
    expect(await socket.next()).toEqual({ count: 1, data: 'count' })
    await jar.fetch(`${server.url}/logout`, { method: 'POST' })
    socket.send('count')
    expect(await socket.closed()).toEqual({ code: 4401, reason: 'session ended' })
    expect(errors).toEqual([]) // the documented end of a socket, not an error
  })
})
