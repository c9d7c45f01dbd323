/**
 * The two Redis clients the store is tested with, against a real server:
 * node-redis (`redis`) and ioredis, each wrapped in a connection that counts
 * the commands it sends.
 */
import { Redis } from 'ioredis'
import { createClient } from 'redis'
import { type RedisConnection, redisConnection } from 'seshjs/redis'

/** A client under test: its connection, the commands sent so far, and how to close it. */
export interface TestClient {
  name: string
  connection: RedisConnection
  /** Every command sent through `connection`: `HMGET`, `EVALSHA`, `DEL`... */
  sent: string[]
  close(): Promise<void>
}

/** Counts the commands sent through `connection`. */
export function counting(connection: RedisConnection, sent: string[]): RedisConnection {
  return {
    send: (command, options) => (sent.push(command[0]!), connection.send(command, options)),
    ...(connection.primaries ? { primaries: connection.primaries.bind(connection) } : {}),
  }
}

/** A connected node-redis client. */
export async function nodeRedis(url: string): Promise<TestClient> {
  const client = createClient({ url })
  client.on('error', () => {})
  await client.connect()
  const sent: string[] = []
  return { name: 'node-redis', connection: counting(redisConnection(client), sent), sent, close: async () => void client.destroy() }
}

/** A connected ioredis client. */
export async function ioRedis(url: string): Promise<TestClient> {
  const client = new Redis(url, { lazyConnect: true })
  client.on('error', () => {})
  await client.connect()
  const sent: string[] = []
  return { name: 'ioredis', connection: counting(redisConnection(client), sent), sent, close: async () => client.disconnect() }
}
