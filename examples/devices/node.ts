/**
 * "Your devices" on Node: `npx tsx examples/devices/node.ts`, with sessions in
 * memory (or in Redis with `REDIS_URL=redis://...`). PORT picks the port
 * (default 3334); it listens on 127.0.0.1 unless HOST says otherwise.
 */
import { memoryStore, type SessionStore } from 'seshjs'
import { serve } from '@hono/node-server'
import { createDevicesApp } from './app.js'

const secret = process.env.ARC_APP_SECRET ?? 'a development secret of at least 32 characters'
let store: SessionStore = memoryStore()
if (process.env.REDIS_URL) {
  const { createRedisClient, redisStore } = await import('seshjs/redis')
  store = redisStore({ client: await createRedisClient({ url: process.env.REDIS_URL }), userKey: 'user' })
}
const port = Number(process.env.PORT ?? 3334)
const hostname = process.env.HOST ?? '127.0.0.1'
serve({ fetch: createDevicesApp({ secret, store, production: false }).fetch, port, hostname })
console.log(`Your devices: http://${hostname}:${port}/`)
