/** The memory store evicts the least recently used session, in constant time, and a flood cannot push out sessions in use. */
import { describe, expect, it } from 'vitest'
import { createSessions, memoryStore, type Sessions } from 'seshjs'
import { cookiePair, SECRET } from '../helpers.js'

async function visit(engine: Sessions, cookie?: string, write?: number): Promise<{ cookie?: string; count?: number }> {
  const session = await engine.load(new Request('http://localhost/', cookie ? { headers: { cookie } } : {}))
  const count = (await session.get('count')) as number | undefined
  if (write !== undefined) session.set('count', write)
  const set = await engine.save(session)
  return { cookie: cookiePair(set) ?? cookie, count }
}

describe('memory store eviction', () => {
  it('a flood of new sessions does not evict a session read more often than once per maxEntries new sessions', async () => {
    const maxEntries = 100
    const store = memoryStore({ maxEntries })
    const engine = createSessions({ secret: SECRET, store })
    const active = await visit(engine, undefined, 42) // written once, then only read (renewal is throttled hourly)
    const idle = await visit(engine, undefined, 7)
    for (let i = 0; i < 2_000; i++) {
      await visit(engine, undefined, i) // a flood of anonymous-then-written sessions
      if (i % 50 === 0) expect((await visit(engine, active.cookie)).count).toBe(42)
    }
    expect(store.size).toBe(maxEntries)
    expect((await visit(engine, active.cookie)).count).toBe(42)
    expect((await visit(engine, idle.cookie)).count).toBeUndefined() // least recently used: gone
  })

  it('evicts in insertion-of-use order, exactly LRU', async () => {
    const store = memoryStore({ maxEntries: 3 })
    const engine = createSessions({ secret: SECRET, store })
    const a = await visit(engine, undefined, 1)
    const b = await visit(engine, undefined, 2)
    const c = await visit(engine, undefined, 3)
    await visit(engine, a.cookie) // a used: b is now the least recently used
    await visit(engine, undefined, 4)
    expect((await visit(engine, b.cookie)).count).toBeUndefined()
    expect((await visit(engine, a.cookie)).count).toBe(1)
    expect((await visit(engine, c.cookie)).count).toBe(3)
  })

  it('listing sessions (the admin API) does not count as use', async () => {
    const store = memoryStore({ maxEntries: 3 })
    const engine = createSessions({ secret: SECRET, store })
    const a = await visit(engine, undefined, 1)
    await visit(engine, undefined, 2)
    await visit(engine, undefined, 3)
    const page = await store.records!.list!({ now: Math.floor(Date.now() / 1000) })
    expect(page.records).toHaveLength(3)
    await visit(engine, undefined, 4) // evicts the least recently used: still a
    expect((await visit(engine, a.cookie)).count).toBeUndefined()
  })
})
