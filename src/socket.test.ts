import { describe, expect, it } from 'vitest'
import { SocketSession } from './socket.js'
import { Session } from './session.js'
import { createSessions } from './sessions.js'
import { memoryStore } from './stores/memory.js'

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
