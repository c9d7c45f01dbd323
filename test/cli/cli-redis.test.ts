/**
 * `seshjs sessions ...` against a real redis-server (REDIS_URL or --redis), on
 * sessions minted by the counter app over HTTP with `redisStore({ userKey })`:
 * list, count, show, set (the next request sees it, the user index follows),
 * revoke --user through the index (--user-index), revoke by id; no store named
 * is a usage error, and an unreachable server one line, never a hang.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createRedisClient, redisStore } from 'seshjs/redis'
import { type RunningServer, serve } from 'seshjs/node'
import { createCounterApp } from '../../examples/counter/app.js'
import { freePort } from '../../scripts/free-port.js'
import { CookieJar, SECRET } from '../helpers.js'
import { type RedisServer, startRedis } from '../stores/redis-server.js'
import { cli } from './run-cli.js'

let redis: RedisServer
let server: RunningServer
let client: Awaited<ReturnType<typeof createRedisClient>>

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 }) // child processes on a busy machine

beforeAll(async () => {
  redis = await startRedis()
  client = await createRedisClient({ url: redis.url })
  const app = createCounterApp({ secret: SECRET, store: redisStore({ client, prefix: 'app:', userKey: 'user' }) })
  server = await serve(app.fetch, { port: 0, hostname: '127.0.0.1' })
})

afterAll(async () => {
  await server?.close()
  client?.destroy()
  await redis?.close()
})

const countOf = async (jar: CookieJar) => Number(/Count (\d+)/.exec(await (await jar.fetch(`${server.url}/`)).text())![1])
const idOf = (jar: CookieJar) => decodeURIComponent(jar.cookies.get('_idx')!).split('.')[0]!
const env = () => ({ ARC_APP_SECRET: SECRET, REDIS_URL: redis.url })
const sessions = (args: string[]) => cli(['sessions', ...args, '--prefix', 'app:', '--user-index'], env())

describe('seshjs sessions, on Redis', () => {
  it('list, count, show, set, revoke --user through the index, revoke by id', async () => {
    const [ada1, ada2, bob] = [new CookieJar(), new CookieJar(), new CookieJar()]
    for (const jar of [ada1, ada2, bob]) await jar.fetch(`${server.url}/count`, { method: 'POST' })
    const [a1, a2, b] = [idOf(ada1), idOf(ada2), idOf(bob)]

    const [set1, set2, set3] = await Promise.all([
      sessions(['set', a1, 'user=ada', 'count=10', '--json']),
      sessions(['set', a2, 'user=ada']),
      sessions(['set', b, 'user=bob']),
    ])
    expect(set1.stderr).toBe('')
    expect(JSON.parse(set1.stdout)).toMatchObject({ id: a1, data: { count: 10, user: 'ada' } })
    expect([set2.code, set3.code]).toEqual([0, 0])
    expect(await countOf(ada1)).toBe(10) // the next HTTP request sees the change
    expect((await client.zRange('app:~user:ada', 0, -1)).sort()).toEqual([a1, a2].sort()) // the index followed

    const [all, adas, shown, counted, plain] = await Promise.all([
      sessions(['list', '--json']),
      sessions(['list', '--user', 'ada', '--json']),
      sessions(['show', b, '--json']),
      sessions(['count', '--json']),
      // REDIS_URL alone, no index: a SCAN finds the same sessions
      cli(['sessions', 'list', '--user', 'ada', '--prefix', 'app:', '--json'], env()),
    ])
    expect((JSON.parse(all.stdout) as { id: string }[]).map((s) => s.id).sort()).toEqual([a1, a2, b].sort())
    expect((JSON.parse(adas.stdout) as { id: string }[]).map((s) => s.id).sort()).toEqual([a1, a2].sort())
    expect((JSON.parse(plain.stdout) as { id: string }[]).map((s) => s.id).sort()).toEqual([a1, a2].sort())
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: b, data: { count: 1, user: 'bob' } })
    expect(JSON.parse(counted.stdout)).toEqual({ count: 3 })

    const revoked = await sessions(['revoke', '--user', 'ada', '--json'])
    expect(JSON.parse(revoked.stdout)).toEqual({ user: 'ada', revoked: 2 })
    expect(await countOf(ada1)).toBe(0)
    expect(await countOf(ada2)).toBe(0)
    expect(await countOf(bob)).toBe(1)
    expect(await client.exists('app:~user:ada')).toBe(0)
    expect((await sessions(['count'])).stdout).toBe('1 live session\n') // bob's, in the singular

    const one = await cli(['sessions', 'revoke', b, '--redis', redis.url, '--prefix', 'app:'], { ARC_APP_SECRET: SECRET })
    expect(one.stdout).toBe(`Revoked session "${b}".\n`)
    expect(await countOf(bob)).toBe(0)
  })

  it('takes session ids that begin with a dash (base64url) as ids, not options', async () => {
    const keeper = redisStore({ client, prefix: 'app:' }).records!
    const now = Math.floor(Date.now() / 1000)
    const ids = ['-DashFirstDashFirst00000', '--TwoDashesTwoDashes0000'] // 24 characters, as every session id
    for (const id of ids) await keeper.set(id, { data: { n: 1 }, expiresAt: now + 3600 }, now)
    const [shown, changed] = await Promise.all([sessions(['show', ids[0]!, '--json']), sessions(['set', ids[1]!, 'n=2', '--json'])])
    const revoked = await sessions(['revoke', ids[0]!])
    expect(shown.stderr).toBe('')
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: ids[0], data: { n: 1 } })
    expect(JSON.parse(changed.stdout)).toMatchObject({ id: ids[1], data: { n: 2 } })
    expect(revoked.stdout).toBe(`Revoked session "${ids[0]}".\n`)
    const unknown = await sessions(['list', '--not-an-option'])
    expect(unknown.code).toBe(2) // an unknown option is still one
  })

  it('refuses ids no session can have (exit 2), leaving the keys they would name; escapes what it prints', async () => {
    await client.set('app:config', 'do not delete')
    await client.zAdd('app:~user:carol', { score: 1, value: 'x' })
    const [config, index, short] = await Promise.all([
      sessions(['revoke', 'config']),
      sessions(['revoke', '~user:carol']),
      cli(['sessions', 'show', 'abc', '--redis', redis.url], { ARC_APP_SECRET: SECRET }),
    ])
    for (const run of [config, index, short]) {
      expect(run.code).toBe(2)
      expect(run.stderr).toMatch(/is not a session id/)
    }
    expect(await client.get('app:config')).toBe('do not delete')
    expect(await client.exists('app:~user:carol')).toBe(1)

    const keeper = redisStore({ client, prefix: 'app:' }).records!
    const now = Math.floor(Date.now() / 1000)
    const id = 'EscapesEscapesEscapes000'
    await keeper.set(id, { data: { note: '\u009b2J\u001b]0;owned\u0007' }, expiresAt: now + 3600 }, now)
    const [text, json] = await Promise.all([sessions(['list']), sessions(['show', id])])
    for (const output of [text.stdout, json.stdout]) {
      expect(output).toContain('\\u009b2J\\u001b]0;owned\\u0007')
      expect(output).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/)
    }
    expect(await keeper.get(id, now)).toBeDefined()
  })

  it('names the missing store in a usage error, and an unreachable server in one line', async () => {
    const none = await cli(['sessions', 'count'], { ARC_APP_SECRET: SECRET })
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/--table \(or ARC_SESSION_TABLE_NAME\), or the Redis server with --redis \(or REDIS_URL\)/)
    const both = await cli(['sessions', 'count', '--table', 't', '--redis', redis.url], { ARC_APP_SECRET: SECRET })
    expect(both.code).toBe(2)
    const port = await freePort()
    const down = await cli(['sessions', 'count'], { ARC_APP_SECRET: SECRET, REDIS_URL: `redis://ada:hunter2@127.0.0.1:${port}` })
    expect(down.code).toBe(1)
    expect(down.stderr).toMatch(/^seshjs sessions: .+\n$/) // one line, no stack trace
    // the cause, as DynamoDB's failures print theirs; never the password
    expect(down.stderr).toBe(
      `seshjs sessions: Cannot connect to Redis at redis://ada:***@127.0.0.1:${port} — connect ECONNREFUSED 127.0.0.1:${port}\n`,
    )
  })
})
