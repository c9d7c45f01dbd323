import { describe, expect, it } from 'vitest'
import { KVNamespace } from '@miniflare/kv'
import { createSessions } from 'seshjs'
import { kvStore, type KVNamespaceLike } from 'seshjs/kv'
import { CookieJar, manualClock, SECRET } from '../helpers.js'
import { describeStore } from './conformance.js'
import { describeAdmin } from './admin-conformance.js'
import { describeListing } from './listing-conformance.js'
import { describeInterleavings } from './interleaving.js'
import { MemoryStorage } from './kv-memory-storage.js'

const clock = manualClock()
const storage = new MemoryStorage(clock.now)
const namespace = new KVNamespace(storage, { clock: clock.now })
let calls = 0
const counted: KVNamespaceLike = {
  get: (key, type) => (calls++, namespace.get(key, type)),
  put: (key, value, options) => (calls++, namespace.put(key, value, options)),
  delete: (key) => (calls++, namespace.delete(key)),
}
const LIMIT = 25 * 1024 * 1024
const failure = () => Promise.reject(new Error('KV is down'))

describeStore('Workers KV (@miniflare/kv)', {
  make: () => kvStore(counted),
  keepsRecords: true,
  optimistic: false,
  clock,
  backendCalls: () => calls,
  async peek(id) {
    return (await namespace.get(`session:${id}`, 'text')) ?? undefined
  },
  limit: { fits: { blob: 'x'.repeat(LIMIT - 100) }, tooLarge: { blob: 'x'.repeat(LIMIT) }, bytes: LIMIT },
  failing: () => kvStore({ get: failure, put: failure, delete: failure }),
})

describe('Workers KV specifics', () => {
  it('stores { _ttl, ...data } under session:<id> with a KV expiration of at least 60 s', async () => {
    const puts: { key: string; value: string; options: unknown }[] = []
    const spy: KVNamespaceLike = {
      get: (key, type) => namespace.get(key, type),
      put: (key, value, options) => (puts.push({ key, value, options }), namespace.put(key, value, options)),
      delete: (key) => namespace.delete(key),
    }
    const engine = createSessions({ secret: SECRET, store: kvStore(spy, { prefix: 'app1:' }), now: clock.now, ttl: 30 })
    const session = await engine.load(new Request('http://localhost/'))
    session.set('n', 1)
    const jar = new CookieJar()
    jar.take(await engine.commit(session, new Response()))
    const id = decodeURIComponent(jar.cookies.get('_idx')!).split('.')[0]
    expect(puts).toHaveLength(1)
    expect(puts[0]!.key).toBe(`app1:${id}`)
    expect(JSON.parse(puts[0]!.value)).toEqual({ _ttl: Math.floor(clock.now() / 1000) + 30, n: 1 })
    expect(puts[0]!.options).toEqual({ expirationTtl: 60 }) // KV's minimum, though the session's ttl is 30 s
  })

  it('takes a real KVNamespace as it is, and refuses something that is not a namespace', () => {
    expect(kvStore(namespace).read).toBeTypeOf('function') // the binding's own type fits KVNamespaceLike
    expect(() => kvStore({} as KVNamespaceLike)).toThrow(TypeError)
  })
})

describeListing('Workers KV (@miniflare/kv)', { make: () => kvStore(namespace, { userKey: 'user' }), clock })

describeAdmin('Workers KV (@miniflare/kv)', { make: () => kvStore(namespace, { userKey: 'user' }), clock, conditionalWrites: false })

describeInterleavings('Workers KV (@miniflare/kv)', {
  make: () => kvStore(namespace, { userKey: 'user' }),
  clock,
  conditionalWrites: false,
})
