/**
 * `seshjs/durable-objects` inside real workerd: the store, the session
 * objects and their sockets in one Worker. A logout closes that session's
 * sockets at once (4401); a revoke of a user ends every one of the user's
 * sessions and closes every one of their sockets, and no one else's; an
 * object that hangs or throws is a 503 within the deadline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CookieJar } from '../helpers.js'
import { connect as connectWith, type TestSocket } from '../ws/client.js'
import { type DurableObjectWorker, startDurableObjectWorker } from './durable-objects-worker.js'

let worker: DurableObjectWorker

beforeAll(async () => {
  worker = await startDurableObjectWorker()
})

afterAll(async () => {
  await worker?.mf.dispose()
})

const page = async (jar: CookieJar, base = '/app') =>
  (await (await jar.fetch(`${worker.url}${base}/`)).json()) as { count: number; id: string | null }

// Locally, workerd finishes a hibernatable socket's closing handshake (and the client's `close` event) about
// 10 s after the object closed it; the close frame itself arrives at once (see `closing`).
const connect = (url: string, cookie?: string, timeoutMs = 30_000, origin?: string) => connectWith(url, cookie, timeoutMs, origin)

/** Resolves once the server's close frame has arrived (the socket is CLOSING or CLOSED) within 2 s, without the client sending anything. */
async function closing(socket: TestSocket): Promise<void> {
  const started = Date.now()
  while (socket.ws.readyState === socket.ws.OPEN) {
    if (Date.now() - started > 2000) throw new Error('the server did not close the socket within 2 s')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/**
 * The code of the server's close frame, as soon as it has arrived; then the connection is dropped rather than
 * waiting the 10 s workerd takes to finish the handshake locally. `ws` keeps the received frame's code in its
 * `_closeCode` once `_closeFrameReceived` is set (lib/websocket.js, receiverOnConclude).
 */
async function closeCode(socket: TestSocket): Promise<number> {
  await closing(socket)
  const state = socket.ws as unknown as { _closeFrameReceived: boolean; _closeCode: number }
  const started = Date.now()
  while (!state._closeFrameReceived) {
    if (Date.now() - started > 2000) throw new Error('no close frame within 2 s')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  socket.ws.terminate()
  return state._closeCode
}

async function login(user: string): Promise<CookieJar> {
  const jar = new CookieJar()
  expect((await jar.fetch(`${worker.url}/app/count`, { method: 'POST' })).status).toBe(302)
  expect((await jar.fetch(`${worker.url}/app/login/${user}`, { method: 'POST' })).status).toBe(204)
  return jar
}

describe('durableObjectStore and durableObjectSocket in workerd', () => {
  it('the socket counts in the object, and the page sees its count', async () => {
    const jar = new CookieJar()
    await jar.fetch(`${worker.url}/app/count`, { method: 'POST' })
    const ws = await connect(`${worker.url}/app/ws`, jar.header())
    expect(await ws.next()).toEqual({ count: 1 })
    ws.send('count')
    expect(await ws.next()).toEqual({ count: 2 })
    ws.send('count')
    expect(await ws.next()).toEqual({ count: 3 })
    expect((await page(jar)).count).toBe(3)
    ws.close()
  })

  it('refuses an upgrade without a session (401), from another origin (403), and a plain GET (426)', async () => {
    await expect(connect(`${worker.url}/app/ws`)).rejects.toThrow('upgrade refused: 401')
    const jar = new CookieJar()
    await jar.fetch(`${worker.url}/app/count`, { method: 'POST' })
    await expect(connect(`${worker.url}/app/ws`, jar.header(), 10_000, 'https://evil.example')).rejects.toThrow('upgrade refused: 403')
    const host = new URL(worker.url).host
    const own = await connect(`${worker.url}/app/ws`, jar.header(), 10_000, `http://${host}`)
    expect(await own.next()).toEqual({ count: 1 })
    own.close()
    expect((await jar.fetch(`${worker.url}/app/ws`)).status).toBe(426)
  })

  it("an HTTP logout closes that session's sockets at once with 4401, and no other session's", async () => {
    const ada = await login('ada-logout')
    const other = await login('ada-logout')
    const sockets = [await connect(`${worker.url}/app/ws`, ada.header()), await connect(`${worker.url}/app/ws`, ada.header())]
    const bystander = await connect(`${worker.url}/app/ws`, other.header())
    for (const ws of [...sockets, bystander]) await ws.next()
    expect((await ada.fetch(`${worker.url}/app/logout`, { method: 'POST' })).status).toBe(204)
    await Promise.all(sockets.map(closing)) // at once, without sending anything
    for (const ws of sockets) expect(await closeCode(ws)).toBe(4401)
    bystander.send('count')
    expect(await bystander.next()).toEqual({ count: 2 })
    bystander.close()
  })

  it("a login's regenerate() closes the old id's sockets at once with 4401; the new cookie opens one on the same session, the old is refused", async () => {
    const jar = new CookieJar()
    await jar.fetch(`${worker.url}/app/count`, { method: 'POST' })
    const old = jar.header()
    const before = await connect(`${worker.url}/app/ws`, old)
    expect(await before.next()).toEqual({ count: 1 })
    expect((await jar.fetch(`${worker.url}/app/login/ada-regenerate`, { method: 'POST' })).status).toBe(204)
    expect(jar.header()).not.toBe(old)
    expect(await closeCode(before)).toBe(4401)
    const after = await connect(`${worker.url}/app/ws`, jar.header())
    expect(await after.next()).toEqual({ count: 1 }) // the data moved with the session
    after.send('count')
    expect(await after.next()).toEqual({ count: 2 })
    await expect(connect(`${worker.url}/app/ws`, old)).rejects.toThrow('upgrade refused: 401') // the forward is no session
    after.close()
  })

  it('a revoke of a user ends all their sessions (over several objects) and closes all their sockets with 4401', async () => {
    const user = `ada-${Math.random().toString(36).slice(2, 8)}`
    const jars = [await login(user), await login(user), await login(user), await login(user), await login(user)]
    const ids = new Set(await Promise.all(jars.map(async (jar) => (await page(jar)).id)))
    expect(ids.size).toBe(5)
    const bob = await login(`bob-${user}`)
    const sockets = await Promise.all(jars.map((jar) => connect(`${worker.url}/app/ws`, jar.header())))
    const bobs = await connect(`${worker.url}/app/ws`, bob.header())
    for (const ws of [...sockets, bobs]) expect(await ws.next()).toEqual({ count: 1 })

    const revoked = (await (await fetch(`${worker.url}/admin/revoke-user/${user}`, { method: 'POST' })).json()) as { revoked: number }
    expect(revoked.revoked).toBe(5)
    await Promise.all(sockets.map(closing))
    expect(await Promise.all(sockets.map((ws) => closeCode(ws)))).toEqual(Array(5).fill(4401))
    for (const jar of jars) expect(await page(jar)).toEqual({ count: 0, id: expect.any(String) }) // a new, empty session: none survived
    for (const jar of jars) await expect(connect(`${worker.url}/app/ws`, jar.header())).rejects.toThrow('upgrade refused: 401')
    expect((await (await fetch(`${worker.url}/admin/revoke-user/${user}`, { method: 'POST' })).json()) as object).toEqual({ revoked: 0 })

    bobs.send('count')
    expect(await bobs.next()).toEqual({ count: 2 })
    expect((await page(bob)).count).toBe(2)
    bobs.close()
  })

  it('an alarm deletes a session when it expires, and closes its sockets with 4401, with no request', async () => {
    const jar = new CookieJar()
    await jar.fetch(`${worker.url}/short/count`, { method: 'POST' })
    const { id } = await page(jar, '/short')
    const raw = async () => {
      const response = await fetch(`${worker.url}/rpc`, {
        method: 'POST',
        body: JSON.stringify({ binding: 'SESSIONS_DO', name: 'short-0', method: 'read', args: [id, 0] }),
      })
      return ((await response.json()) as { result: unknown }).result
    }
    expect(await raw()).toMatchObject({ expiresAt: expect.any(Number) })
    const ws = await connect(`${worker.url}/short/ws`, jar.header())
    expect(await ws.next()).toEqual({ count: 1 })
    expect(await closeCode(ws)).toBe(4401) // the alarm, about 2 s after the write
    expect(await raw()).toBeNull() // the row is gone, not only unreadable
  }, 60_000)

  it('answers 503 with Retry-After within the deadline while the object hangs or throws, and the count is intact afterwards', async () => {
    const jar = new CookieJar()
    for (let i = 0; i < 3; i++) expect((await jar.fetch(`${worker.url}/faulty/count`, { method: 'POST' })).status).toBe(302)
    const before = jar.header()
    for (const mode of ['hang', 'throw']) {
      await fetch(`${worker.url}/__fault/${mode}`, { method: 'POST' })
      for (const [path, method] of [
        ['/faulty/', 'GET'],
        ['/faulty/count', 'POST'],
      ] as const) {
        const started = Date.now()
        const response = await jar.fetch(`${worker.url}${path}`, { method })
        await response.arrayBuffer()
        expect(response.status, `${mode} ${method}`).toBe(503)
        expect(response.headers.get('retry-after')).toBe('5')
        expect(Date.now() - started).toBeLessThan(5000) // 500 ms deadline; workerd on a loaded machine
      }
    }
    expect(jar.header()).toBe(before)
    await fetch(`${worker.url}/__fault/pass`, { method: 'POST' })
    expect((await page(jar, '/faulty')).count).toBe(3)
  }, 60_000)
})
