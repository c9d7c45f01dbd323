/**
 * `npm run bench`: the per-request cost of the server-side stores, read and
 * read + write, through the engine. DynamoDB runs against an in-process
 * dynalite (so this measures sesh + the SDK + a loopback round trip, not AWS);
 * KV against @miniflare/kv in memory; Redis against a real redis-server on
 * loopback through node-redis (sesh + the client + a loopback round trip);
 * PostgreSQL against a real server on loopback through pg and postgres.js.
 */
import { KVNamespace } from '@miniflare/kv'
import { afterAll, bench, describe } from 'vitest'
import type { SessionStore } from '../src/index.js'
import { createSessionTable, dynamoStore } from '../src/stores/dynamodb/index.js'
import { kvStore } from '../src/stores/kv/index.js'
import { createClient } from 'redis'
import { redisStore } from '../src/stores/redis/index.js'
import { startRedis } from '../test/stores/redis-server.js'
import pg from 'pg'
import postgres from 'postgres'
import { createPostgresTable, pgQuery, postgresStore } from '../src/stores/postgres/index.js'
import { startPostgres } from '../test/stores/postgres-server.js'
import { startDynalite } from '../test/stores/dynalite.js'
import { MemoryStorage } from '../test/stores/kv-memory-storage.js'
import { itemSize, marshal } from '../src/stores/dynamodb/item.js'
import { benchRequests, engineWithSession } from './requests.js'

const dynamo = await startDynalite()
await createSessionTable({ table: 'sessions', client: dynamo.client })
afterAll(() => dynamo.close())
const redis = await startRedis()
const redisClient = createClient({ url: redis.url })
await redisClient.connect()
afterAll(async () => {
  redisClient.destroy()
  await redis.close()
})

const postgresServer = await startPostgres()
const pgPool = new pg.Pool({ connectionString: postgresServer.url, max: 4 })
pgPool.on('error', () => {})
const postgresJs = postgres(postgresServer.url, { max: 4, onnotice: () => {} })
await createPostgresTable(pgQuery(pgPool))
afterAll(async () => {
  await pgPool.end()
  await postgresJs.end({ timeout: 5 })
  await postgresServer.close()
})

const stores: [string, SessionStore][] = [
  ['DynamoDB (dynalite, loopback)', dynamoStore({ table: 'sessions', client: dynamo.client })],
  ['DynamoDB optimistic (dynalite, loopback)', dynamoStore({ table: 'sessions', client: dynamo.client, concurrency: 'optimistic' })],
  ['Workers KV (@miniflare/kv)', kvStore(new KVNamespace(new MemoryStorage(Date.now)))],
  ['Redis (node-redis, redis-server on loopback)', redisStore({ client: redisClient })],
  ['Redis optimistic (node-redis, redis-server on loopback)', redisStore({ client: redisClient, concurrency: 'optimistic' })],
  ['PostgreSQL (pg, loopback)', postgresStore({ client: pgPool })],
  ['PostgreSQL optimistic (pg, loopback)', postgresStore({ client: pgPool, concurrency: 'optimistic' })],
  ['PostgreSQL (postgres.js, loopback)', postgresStore({ client: postgresJs })],
]

for (const [name, store] of stores) {
  const prepared = await engineWithSession(store)
  describe(name, () => benchRequests(prepared))
}

describe('DynamoDB item size check', () => {
  const data = { user: { id: 42, name: 'Ada Lovelace', roles: ['admin', 'editor'] }, blob: 'x'.repeat(10_000) }
  bench('marshal + size of a 10 KB session', () => {
    const item = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, marshal(v, k)]))
    itemSize(item)
  })
})
