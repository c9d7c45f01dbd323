/** The counter's Node entry (`npm start`) as its own process, with sessions in a real redis-server (`REDIS_URL`). */
import { afterAll } from 'vitest'
import { SECRET } from '../helpers.js'
import { type RedisServer, startRedis } from '../stores/redis-server.js'
import { counterSuite } from './counter-suite.js'
import { startNode } from './runtimes.js'

let redis: RedisServer | undefined

afterAll(async () => {
  await redis?.close()
})

counterSuite(
  'Node (examples/counter/node.ts), Redis store',
  async () => {
    redis = await startRedis()
    return startNode({ ARC_APP_SECRET: SECRET, REDIS_URL: redis.url })
  },
  'counts',
)
