/**
 * `npm run bench`: the memory store's cost per new session once it is full,
 * at 1k, 10k and 100k entries. Eviction is O(1) (least recently used, the
 * first entry of a Map kept in order of use), so the three figures should be
 * flat; before, a full store scanned every entry on each new session
 * (0.07 ms at 1k → 1.68 ms at 100k).
 */
import { bench, describe } from 'vitest'
import { Keyring, randomId } from '../src/crypto/keyring.js'
import { memoryStore } from '../src/index.js'
import type { SessionStore, StoreContext } from '../src/stores/index.js'

const keyring = new Keyring(['abcdefghijklmnopqrstuvwxyz0123456789'], 'A256GCM')
const context: StoreContext = { keyring, now: Math.floor(Date.now() / 1000), ttl: 7 * 24 * 3600 }
const record = (i: number) => ({ id: randomId(), data: { count: i, user: 'ada' }, issuedAt: context.now })

async function fullStore(maxEntries: number): Promise<SessionStore> {
  const store = memoryStore({ maxEntries })
  for (let i = 0; i < maxEntries; i += 1000) {
    await Promise.all(Array.from({ length: Math.min(1000, maxEntries - i) }, (_, j) => store.write(record(i + j), context)))
  }
  return store
}

for (const size of [1_000, 10_000, 100_000]) {
  const store = await fullStore(size)
  describe(`memory store full at ${size.toLocaleString('en')} entries`, () => {
    let i = 0
    bench('one new session (evicts the least recently used)', async () => {
      await store.write(record(i++), context)
    })
  })
}
