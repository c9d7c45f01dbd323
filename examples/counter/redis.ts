/**
 * The counter's Redis store from `REDIS_URL`, shared by its Node, Bun and Deno
 * entries: node-redis loads only when Redis is asked for, and the client is
 * created (and connecting) at start rather than on the first request.
 *
 * @module
 */
import type { SessionStore } from 'seshjs'

/** A Redis store at `url`, and where the page says sessions are kept (the URL without its password). */
export async function redisCounterStore(url: string): Promise<{ store: SessionStore; where: string }> {
  const { createRedisClient, redisStore } = await import('seshjs/redis')
  const store = redisStore({ client: await createRedisClient({ url }) })
  const shown = new URL(url)
  shown.username = shown.password = '' // never print a password
  return { store, where: `Redis at ${shown.href.replace(/\/$/, '')}` }
}
