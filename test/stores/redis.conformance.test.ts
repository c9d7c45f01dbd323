/**
 * The store conformance, listing and admin suites on a real redis-server,
 * through both clients: node-redis and ioredis.
 */
import { createClient } from 'redis'
import { afterAll, beforeAll } from 'vitest'
import { redisStore } from 'seshjs/redis'
import { freePort } from '../../scripts/free-port.js'
import { describeAdmin } from './admin-conformance.js'
import { describeStore } from './conformance.js'
import { describeListing } from './listing-conformance.js'
import { describeLifecycle } from './lifecycle-conformance.js'
import { describeInterleavings } from './interleaving.js'
import { ioRedis, nodeRedis, type TestClient } from './redis-clients.js'
import { type RedisServer, startRedis } from './redis-server.js'

const LIMIT = 64 * 1024
let server: RedisServer
const clients: Record<string, TestClient> = {}
let raw: ReturnType<typeof createClient>
let dead: ReturnType<typeof createClient>

beforeAll(async () => {
  server = await startRedis()
  clients['node-redis'] = await nodeRedis(server.url)
  clients.ioredis = await ioRedis(server.url)
  raw = createClient({ url: server.url })
  await raw.connect()
  // a real client whose server is gone: every command fails at once (no offline queue)
  dead = createClient({ url: `redis://127.0.0.1:${await freePort()}`, disableOfflineQueue: true, socket: { reconnectStrategy: 1000 } })
  dead.on('error', () => {})
  dead.connect().catch(() => {})
})

afterAll(async () => {
  for (const client of Object.values(clients)) await client.close()
  raw?.destroy()
  dead?.destroy()
  await server?.close()
})

for (const name of ['node-redis', 'ioredis']) {
  const client = () => clients[name]!
  describeStore(`Redis (${name})`, {
    make: (options) => redisStore({ client: client().connection, prefix: `${name}:`, maxSize: LIMIT, ...options }),
    keepsRecords: true,
    optimistic: true,
    renewsInPlace: true,
    backendCalls: () => client().sent.length,
    async peek(id) {
      const hash = await raw.hGetAll(`${name}:${id}`)
      return Object.keys(hash).length ? hash : undefined
    },
    limit: { fits: { blob: 'x'.repeat(LIMIT - 100) }, tooLarge: { blob: 'x'.repeat(LIMIT) }, bytes: LIMIT },
    failing: () => redisStore({ client: dead }),
  })
  // each suite in its own key space: a listing sees only its own sessions
  const indexed = () => redisStore({ client: client().connection, prefix: `${name}-indexed:`, userKey: 'user' })
  const scanned = () => redisStore({ client: client().connection, prefix: `${name}-scan:` })
  describeListing(`Redis (${name}), user index`, { make: indexed })
  describeLifecycle(`Redis (${name})`, { make: indexed, keepsRecords: true })
  describeListing(`Redis (${name}), SCAN`, { make: scanned })
  describeAdmin(`Redis (${name}), user index`, { make: indexed })
  describeAdmin(`Redis (${name}), SCAN`, { make: scanned })
  describeInterleavings(`Redis (${name})`, {
    make: (options) => redisStore({ client: client().connection, prefix: `${name}-indexed:`, userKey: 'user', ...options }),
    optimistic: true,
  })
}
