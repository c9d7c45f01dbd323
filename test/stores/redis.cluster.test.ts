/**
 * Redis Cluster: three primaries on loopback joined by `redis-cli --cluster
 * create`, and the conformance, listing and admin suites through node-redis's
 * `createCluster()` and ioredis's `Cluster`. Every command touches one key, so
 * none spans hash slots; listings SCAN every primary; the per-user index lives
 * in its own slot and is checked against each session.
 */
import { Cluster } from 'ioredis'
import { createCluster } from 'redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSessions } from 'seshjs'
import { redisConnection, redisStore } from 'seshjs/redis'
import { CookieJar, SECRET } from '../helpers.js'
import { describeAdmin } from './admin-conformance.js'
import { describeStore } from './conformance.js'
import { describeListing } from './listing-conformance.js'
import { describeInterleavings } from './interleaving.js'
import { counting, type TestClient } from './redis-clients.js'
import { type RedisCluster, startCluster } from './redis-server.js'

let cluster: RedisCluster
const clients: Record<string, TestClient> = {}

beforeAll(async () => {
  cluster = await startCluster()
  const nodeCluster = createCluster({ rootNodes: cluster.nodes.map(({ host, port }) => ({ url: `redis://${host}:${port}` })) })
  nodeCluster.on('error', () => {})
  await nodeCluster.connect()
  const nodeSent: string[] = []
  clients['node-redis'] = {
    name: 'node-redis',
    connection: counting(redisConnection(nodeCluster), nodeSent),
    sent: nodeSent,
    close: async () => nodeCluster.destroy(),
  }
  const io = new Cluster(cluster.nodes, { lazyConnect: true })
  io.on('error', () => {})
  await io.connect()
  const ioSent: string[] = []
  clients.ioredis = { name: 'ioredis', connection: counting(redisConnection(io), ioSent), sent: ioSent, close: async () => io.disconnect() }
}, 60_000)

afterAll(async () => {
  for (const client of Object.values(clients)) await client.close()
  await cluster?.close()
})

for (const name of ['node-redis', 'ioredis']) {
  const client = () => clients[name]!
  describeStore(`Redis Cluster (${name})`, {
    make: (options) => redisStore({ client: client().connection, prefix: `${name}:`, ...options }),
    keepsRecords: true,
    optimistic: true,
    renewsInPlace: true,
    backendCalls: () => client().sent.length,
  })
  const indexed = () => redisStore({ client: client().connection, prefix: `${name}-indexed:`, userKey: 'user' })
  const scanned = () => redisStore({ client: client().connection, prefix: `${name}-scan:` })
  describeListing(`Redis Cluster (${name}), user index`, { make: indexed })
  describeListing(`Redis Cluster (${name}), SCAN`, { make: scanned })
  describeAdmin(`Redis Cluster (${name}), user index`, { make: indexed })
  describeAdmin(`Redis Cluster (${name}), SCAN`, { make: scanned })
  describeInterleavings(`Redis Cluster (${name})`, { make: indexed })

  describe(`Redis Cluster (${name})`, () => {
    it('spreads sessions over every primary, and a listing finds them all', async () => {
      const store = redisStore({ client: client().connection, prefix: `${name}-spread:` })
      const engine = createSessions({ secret: SECRET, store })
      for (let i = 0; i < 24; i++) {
        const session = await engine.load(new Request('http://localhost/'))
        session.set('i', i)
        new CookieJar().take(await engine.commit(session, new Response()))
      }
      const primaries = await client().connection.primaries!()
      expect(primaries).toHaveLength(3)
      const perNode = await Promise.all(
        primaries.map(
          async (node) =>
            ((await node.send(['SCAN', '0', 'MATCH', `${name}-spread:*`, 'COUNT', '1000'], {})) as [string, string[]])[1].length,
        ),
      )
      expect(perNode.every((n) => n > 0)).toBe(true) // 24 random ids over 3 primaries
      expect(perNode.reduce((a, b) => a + b, 0)).toBe(24)
      expect(await store.records!.count!(Math.floor(Date.now() / 1000))).toBe(24)
    })
  })
}
