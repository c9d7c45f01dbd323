/**
 * `ws()` in-process, with real stores and real cookies: the connection
 * mapping, the cookie store's "known on $connect only", revocation. Sending is
 * recorded (the sandbox e2e test, test/ws/architect.e2e.test.ts, sends for real).
 */
import { describe, expect, it } from 'vitest'
import { createSessions, memoryStore, SessionError, type SessionStore } from '../src/index.js'
import { SECRET } from '../test/helpers.js'
import { SESSION_ENDED, ws, type WsConnections } from './ws.js'

const env = { ARC_APP_SECRET: SECRET, ARC_ENV: 'testing' }

function recorder(): WsConnections & { sent: unknown[]; closed: string[] } {
  const sent: unknown[] = []
  const closed: string[] = []
  return {
    sent,
    closed,
    send: async ({ payload }) => sent.push(payload),
    close: async ({ id }) => closed.push(id),
  }
}

const event = (routeKey: string, connectionId: string, extra: Record<string, unknown> = {}) => ({
  requestContext: { routeKey, connectionId, eventType: routeKey === '$default' ? 'MESSAGE' : routeKey.slice(1).toUpperCase() },
  ...extra,
})

async function cookieFor(store: SessionStore | undefined, data: Record<string, unknown>): Promise<string> {
  const sessions = createSessions({ env, ...(store ? { store } : {}) })
  const session = sessions.open(undefined)
  session.replace(data)
  return (await sessions.saveCookie(session))!.value!
}

describe('ws() with a server store', () => {
  it('maps the connection to the session: later events read it, save by id, and an ended session is closed', async () => {
    const store = memoryStore()
    const api = recorder()
    const handler = ws<{ count?: number; user?: string }>(
      async (req) => {
        if (req.routeKey === '$connect') return req.session.user ? undefined : { statusCode: 401 }
        if (req.body === 'count') {
          const count = (req.session.count ?? 0) + 1
          return { session: { ...req.session, count }, reply: { count } }
        }
        return undefined
      },
      { env, store, api },
    )
    expect(await handler(event('$connect', 'conn-anon=', {}))).toEqual({ statusCode: 401 })
    const cookie = await cookieFor(store, { user: 'admin', count: 1 })
    expect(await handler(event('$connect', 'conn-1=', { headers: { Cookie: `_idx=${encodeURIComponent(cookie)}` } }))).toEqual({
      statusCode: 200,
    })
    await handler(event('$default', 'conn-1=', { body: 'count' }))
    await handler(event('$default', 'conn-1=', { body: 'count' }))
    expect(api.sent).toEqual([{ count: 2 }, { count: 3 }])
    const sessions = createSessions({ env, store })
    expect(await sessions.open(cookie).get('count')).toBe(3) // what HTTP sees next

    const session = await sessions.open(cookie).load()
    session.destroy() // logout over HTTP
    await sessions.saveCookie(session)
    await handler(event('$default', 'conn-1=', { body: 'count' }))
    expect(api.sent.at(-1)).toEqual(SESSION_ENDED)
    expect(api.closed).toEqual(['conn-1='])
    expect(
      await sessions
        .open(cookie)
        .load()
        .then((s) => s.info.isNew),
    ).toBe(true) // not resurrected
  })

  it('records the session id, never the cookie', async () => {
    const store = memoryStore()
    const handler = ws(async () => undefined, { env, store, api: recorder() })
    const cookie = await cookieFor(store, { user: 'admin' })
    await handler(event('$connect', 'conn-5=', { headers: { cookie: `_idx=${encodeURIComponent(cookie)}` } }))
    const record = await store.records!.get(`ws-connection-${Buffer.from('conn-5=').toString('base64url')}`, Math.floor(Date.now() / 1000))
    expect(record?.data).toEqual({ session: cookie.split('.')[0] })
    expect(JSON.stringify(record)).not.toContain(cookie.split('.')[1])
  })

  it('forgets the connection on $disconnect', async () => {
    const store = memoryStore()
    const api = recorder()
    const handler = ws(async () => undefined, { env, store, api })
    const cookie = await cookieFor(store, { user: 'admin' })
    await handler(event('$connect', 'conn-2', { headers: { cookie: `_idx=${cookie}` } }))
    await handler(event('$disconnect', 'conn-2'))
    await handler(event('$default', 'conn-2', { body: 'x' }))
    expect(api.sent).toEqual([SESSION_ENDED]) // unknown connection: treated as ended
  })
})

describe('ws() with the cookie store', () => {
  it('gives the session on $connect; later, req.session says a server-side store is needed', async () => {
    const api = recorder()
    const seen: unknown[] = []
    const handler = ws(
      async (req) => {
        try {
          seen.push(req.session.count)
        } catch (error) {
          seen.push(error instanceof SessionError ? error.code : error)
        }
      },
      { env, api },
    )
    const cookie = await cookieFor(undefined, { count: 7 })
    await handler(event('$connect', 'conn-3', { headers: { cookie: `_idx=${cookie}` } }))
    await handler(event('$default', 'conn-3', { body: 'count' }))
    expect(seen).toEqual([7, 'ERR_SESSION_SERVER_STORE_REQUIRED'])
  })

  it('keeps a copy of the session as $connect saw it (never the sealed cookie) in a separate server store for connections', async () => {
    const api = recorder()
    const connections = memoryStore()
    const handler = ws<{ count?: number }>(
      async (req) =>
        req.routeKey === '$default'
          ? req.body === 'save'
            ? { session: { count: 6 } }
            : { reply: { count: req.session.count } }
          : undefined,
      { env, api, connections },
    )
    const cookie = await cookieFor(undefined, { count: 5 })
    await handler(event('$connect', 'conn-4', { headers: { cookie: `_idx=${cookie}` } }))
    await handler(event('$default', 'conn-4', { body: 'hi' }))
    expect(api.sent).toEqual([{ count: 5 }])
    const record = await connections.records!.get(
      `ws-connection-${Buffer.from('conn-4').toString('base64url')}`,
      Math.floor(Date.now() / 1000),
    )
    expect(record?.data).toEqual({ snapshot: { count: 5, iat: expect.any(Number) } })
    expect(JSON.stringify(record)).not.toContain(cookie)
    await expect(handler(event('$default', 'conn-4', { body: 'save' }))).rejects.toMatchObject({
      code: 'ERR_SESSION_SERVER_STORE_REQUIRED',
    })
  })
})
