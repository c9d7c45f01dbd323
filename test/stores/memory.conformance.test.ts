import { describe, expect, it } from 'vitest'
import { createSessions, memoryStore } from 'seshjs'
import { CookieJar, SECRET } from '../helpers.js'
import { describeStore } from './conformance.js'
import { describeAdmin } from './admin-conformance.js'
import { describeListing } from './listing-conformance.js'
import { describeLifecycle } from './lifecycle-conformance.js'
import { describeInterleavings } from './interleaving.js'

describeStore('memory', {
  make: (options) => memoryStore(options),
  keepsRecords: true,
  optimistic: true,
  renewsInPlace: true,
})

describe('memory store cap', () => {
  it('keeps at most maxEntries sessions, dropping the least recently written', async () => {
    const store = memoryStore({ maxEntries: 3 })
    const engine = createSessions({ secret: SECRET, store })
    const jars: CookieJar[] = []
    for (let i = 0; i < 5; i++) {
      const jar = new CookieJar()
      const session = await engine.load(new Request('http://localhost/'))
      session.set('i', i)
      jar.take(await engine.commit(session, new Response()))
      jars.push(jar)
    }
    expect(store.size).toBe(3)
    const seen = []
    for (const jar of jars) {
      const session = await engine.load(new Request('http://localhost/', { headers: { cookie: jar.header() } }))
      seen.push(await session.get('i'))
    }
    expect(seen).toEqual([undefined, undefined, 2, 3, 4])
  })

  it('refuses a bad cap or concurrency option with a TypeError', () => {
    expect(() => memoryStore({ maxEntries: 0 })).toThrow(TypeError)
    expect(() => memoryStore({ concurrency: 'pessimistic' as never })).toThrow(TypeError)
    expect(() => memoryStore({ concurrency: 'last-write-wins', merge: (_b, _m, c) => c })).toThrow(TypeError)
  })
})

describeListing('memory', { make: () => memoryStore() })
describeLifecycle('memory', { make: () => memoryStore(), keepsRecords: true })

describeAdmin('memory', { make: () => memoryStore() })

describeInterleavings('memory', { make: (options) => memoryStore(options), optimistic: true })
