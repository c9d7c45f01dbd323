/**
 * `npm run bench`: the per-request cost of the server-side stores, read and
 * read + write, through the engine. DynamoDB runs against an in-process
 * dynalite (so this measures sesh + the SDK + a loopback round trip, not AWS);
 * KV against @miniflare/kv in memory.
 */
import { KVNamespace } from '@miniflare/kv'
import { afterAll, bench, describe } from 'vitest'
import { createSessions, type SessionStore } from '../src/index.js'
import { createSessionTable, dynamoStore } from '../adapters/dynamodb.js'
import { kvStore } from '../adapters/kv.js'
import { startDynalite } from '../test/stores/dynalite.js'
import { MemoryStorage } from '../test/stores/kv-memory-storage.js'
import { itemSize, marshal } from '../src/stores/dynamodb/item.js'

const SECRET = 'abcdefghijklmnopqrstuvwxyz0123456789'
const dynamo = await startDynalite()
await createSessionTable({ table: 'sessions', client: dynamo.client })
afterAll(() => dynamo.close())

const stores: [string, SessionStore][] = [
  ['DynamoDB (dynalite, loopback)', dynamoStore({ table: 'sessions', client: dynamo.client })],
  ['DynamoDB optimistic (dynalite, loopback)', dynamoStore({ table: 'sessions', client: dynamo.client, concurrency: 'optimistic' })],
  ['Workers KV (@miniflare/kv)', kvStore(new KVNamespace(new MemoryStorage(Date.now)))],
]

const request = (cookie: string) => new Request('http://localhost/', { headers: { cookie } })

for (const [name, store] of stores) {
  const engine = createSessions({ secret: SECRET, store })
  const first = await engine.load(new Request('http://localhost/'))
  first.set('user', { id: 42, name: 'Ada Lovelace', roles: ['admin', 'editor'] })
  first.set('count', 1)
  let cookie = (await engine.commit(first, new Response())).headers.get('set-cookie')!.split(';')[0]!

  describe(name, () => {
    bench('read only', async () => {
      const session = await engine.load(request(cookie))
      await session.get('count')
      await engine.commit(session, new Response())
    })
    bench('read + write', async () => {
      const session = await engine.load(request(cookie))
      session.set('count', ((await session.get('count')) as number) + 1)
      const response = await engine.commit(session, new Response())
      cookie = response.headers.get('set-cookie')?.split(';')[0] ?? cookie
    })
  })
}

describe('DynamoDB item size check', () => {
  const data = { user: { id: 42, name: 'Ada Lovelace', roles: ['admin', 'editor'] }, blob: 'x'.repeat(10_000) }
  bench('marshal + size of a 10 KB session', () => {
    const item = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, marshal(v, k)]))
    itemSize(item)
  })
})
