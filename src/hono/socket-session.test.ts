import { describe, expect, it } from 'vitest'
import { SocketSession } from './socket-session.js'
import { Session } from '../engine/session.js'
import { createSessions } from '../engine/engine.js'
import { memoryStore } from '../stores/memory/index.js'

const secret = 'socket-test-secret-0123456789-abcdefgh'

describe('SocketSession.of', () => {
  it('finds the engine of any session an engine made, and reads it by id', async () => {
    const engine = createSessions<{ count: number }>({ secret, store: memoryStore() })
    const first = await engine.load(new Request('http://localhost/'))
    first.set('count', 1)
    const cookie = (await engine.save(first))!.split(';')[0]!
    for (const session of [await engine.load(new Request('http://localhost/', { headers: { cookie } })), engine.open({ header: cookie })]) {
      const socket = SocketSession.of(session)
      await socket.open()
      expect(socket.started).toBe(true)
      expect(await socket.session.get('count')).toBe(1)
    }
  })

  it('refuses a session no engine made', () => {
    const orphan = new Session(async () => ({}), { hadCookie: false })
    expect(() => SocketSession.of(orphan)).toThrow(/made by an engine/)
    expect(() => SocketSession.of({} as never)).toThrow(TypeError)
  })
})

describe('SocketSession.save', () => {
  it('reports a write the store refused because the session ended elsewhere (no reload in between), and writes nothing', async () => {
    const store = memoryStore()
    const engine = createSessions<{ count: number }>({ secret, store })
    const first = await engine.load(new Request('http://localhost/'))
    first.set('count', 1)
    const cookie = (await engine.save(first))!.split(';')[0]!
    const socket = new SocketSession(engine, engine.open({ header: cookie }))
    await socket.open()
    const logout = await engine.load(new Request('http://localhost/', { headers: { cookie } })) // over HTTP
    logout.destroy()
    await engine.save(logout)
    socket.session.set('count', 2)
    await expect(socket.save()).rejects.toThrow(/session ended/)
    expect(socket.ended).toBe(true)
    expect(store.size).toBe(0) // not brought back
    await expect(socket.save()).rejects.toThrow(TypeError)
  })

  it('saves, and deletes a session the socket itself destroyed, without calling either refused', async () => {
    const engine = createSessions<{ count: number }>({ secret, store: memoryStore() })
    const first = await engine.load(new Request('http://localhost/'))
    first.set('count', 1)
    const cookie = (await engine.save(first))!.split(';')[0]!
    const socket = new SocketSession(engine, engine.open({ header: cookie }))
    await socket.open()
    socket.session.set('count', 2)
    await socket.save()
    socket.session.destroy()
    await socket.save()
    expect(socket.ended).toBe(false)
    expect(await socket.reload()).toBe(false) // now it has ended
  })
})
