/**
 * The Redis-backed demo, as a user runs it: `npm run start:redis` (a
 * redis-server of its own and the counter, one command), and the counter
 * with `REDIS_URL` pointing at a running server — where the session lands.
 */
import { createServer, type Server } from 'node:net'
import { createClient } from 'redis'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort, type Runtime, startNode, startScript } from '../e2e/runtimes.js'
import { CookieJar } from '../helpers.js'
import { type RedisServer, startRedis } from './redis-server.js'
import { runStartScript } from './start-script.js'

const running: Runtime[] = []
const servers: RedisServer[] = []

afterAll(async () => {
  for (const runtime of running) await runtime.stop()
  for (const server of servers) await server.close()
})

const countIn = (html: string) => Number(/Count (\d+)/.exec(html)?.[1])
const SECRET = 'abcdefghijklmnopqrstuvwxyz0123456789'

async function countTwice(runtime: Runtime): Promise<CookieJar> {
  const jar = new CookieJar()
  expect((await jar.fetch(`${runtime.url}/count`, { method: 'POST' })).status).toBe(302)
  expect((await jar.fetch(`${runtime.url}/count`, { method: 'POST' })).status).toBe(302)
  const page = await (await jar.fetch(runtime.url)).text()
  expect(countIn(page)).toBe(2)
  expect(page).toContain('kept in Redis at redis://127.0.0.1:')
  return jar
}

describe('Redis-backed counter', () => {
  it('npm run start:redis: one command starts a redis-server and serves the counter on it', async () => {
    const redisPort = await freePort()
    const runtime = await startScript('start:redis', 'scripts/start-redis.ts', {
      PORT: String(await freePort()),
      REDIS_PORT: String(redisPort),
      REDIS_URL: '',
      ARC_APP_SECRET: SECRET,
    })
    running.push(runtime)
    const jar = await countTwice(runtime)
    const [id] = decodeURIComponent(jar.cookies.get('_idx')!).split('.')
    expect(id).toMatch(/^[\w-]{24}$/) // a signed id, not a JWE
    const client = createClient({ url: `redis://127.0.0.1:${redisPort}` })
    await client.connect()
    try {
      expect(await client.hGet(`session:${id}`, 'data')).toBe('{"count":2}')
    } finally {
      client.destroy()
    }
    await runtime.stop()
    await expect(fetch(`http://127.0.0.1:${redisPort}`)).rejects.toThrow() // its redis-server went with it
  })

  it('npm run start:redis on a busy port names itself, not npm start (which would run without Redis)', async () => {
    const busy: Server = createServer()
    await new Promise<void>((resolve) => busy.listen(0, resolve))
    const port = (busy.address() as { port: number }).port
    try {
      const refused = await runStartScript('start:redis', 'scripts/start-redis.ts', { PORT: String(port), REDIS_URL: '' })
      expect(refused.code).toBe(1)
      expect(refused.output.trim()).toBe(`port ${port} is in use, set PORT (for example PORT=${port + 1} npm run start:redis)`) // before redis-server starts
    } finally {
      busy.close()
    }
  })

  it('REDIS_URL=redis://... npm start keeps sessions in that server, and never shows its password', async () => {
    const withPassword = await startRedis({ args: ['--requirepass', 'secret-password'] })
    servers.push(withPassword)
    const counter = await startNode({ REDIS_URL: `redis://:secret-password@127.0.0.1:${withPassword.port}`, ARC_APP_SECRET: SECRET })
    running.push(counter)
    const jar = await countTwice(counter)
    const page = await (await jar.fetch(counter.url)).text()
    expect(page).not.toContain('secret-password') // the page names the server, never its password
    const id = decodeURIComponent(jar.cookies.get('_idx')!).split('.')[0]!
    const client = createClient({ url: `redis://:secret-password@127.0.0.1:${withPassword.port}` })
    await client.connect()
    try {
      expect(await client.hGet(`session:${id}`, 'data')).toBe('{"count":2}')
    } finally {
      client.destroy()
    }
  })
})
