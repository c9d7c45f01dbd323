/**
 * `seshjs sessions ...` run as child processes against dynalite, on sessions
 * minted by the counter app over HTTP: list, show, set (the next request sees
 * it), revoke (the next request starts afresh), revoke --user leaving other
 * users' sessions, and a revoke racing a request that is writing the session.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { dynamoStore, type DynamoClient } from 'seshjs/dynamodb'
import { type RunningServer, serve } from 'seshjs/node'
import { createCounterApp } from '../../examples/counter/app.js'
import { CookieJar, SECRET } from '../helpers.js'
import { startDynalite, type Dynalite } from '../stores/dynalite.js'
import { cli } from './run-cli.js'

const TABLE = 'counter-sessions'
let db: Dynalite
let server: RunningServer
let env: Record<string, string>

/** Holds the app's next PutItem until released: a request caught mid-write. */
const gate = {
  armed: false,
  reached: undefined as undefined | (() => void),
  release: undefined as undefined | (() => void),
}

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 }) // child processes on a busy machine

beforeAll(async () => {
  db = await startDynalite()
  env = {
    ARC_APP_SECRET: SECRET,
    AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  }
  const created = await cli(['table', 'create', TABLE, '--user-key', 'user'], env)
  expect(created.stdout).toBe(`Created table "${TABLE}" with user index "by-user".\n`)
  const client: DynamoClient = {
    async send(command) {
      if (gate.armed && command instanceof PutItemCommand) {
        gate.armed = false
        await new Promise<void>((resolve) => {
          gate.release = resolve
          gate.reached?.()
        })
      }
      return db.client.send(command)
    },
  }
  // the held write waits for a CLI run: a store deadline long enough for it
  const app = createCounterApp({ secret: SECRET, store: dynamoStore({ table: TABLE, client }), storeTimeout: 120_000 })
  server = await serve(app.fetch, { port: 0, hostname: '127.0.0.1' })
})

afterAll(async () => {
  await server?.close()
  await db?.close()
})

const countOf = async (jar: CookieJar) => {
  const html = await (await jar.fetch(`${server.url}/`)).text()
  return Number(/Count (\d+)/.exec(html)![1])
}
const idOf = (jar: CookieJar) => decodeURIComponent(jar.cookies.get('_idx')!).split('.')[0]!
const sessions = (args: string[]) => cli(['sessions', ...args, '--table', TABLE], env)

describe('seshjs sessions, on the counter over HTTP', () => {
  it('list, show, set, revoke, revoke --user, and a revoke racing a write', async () => {
    const [ada1, ada2, bob] = [new CookieJar(), new CookieJar(), new CookieJar()]
    for (const jar of [ada1, ada2, bob]) await jar.fetch(`${server.url}/count`, { method: 'POST' })
    const [a1, a2, b] = [idOf(ada1), idOf(ada2), idOf(bob)]

    // set: values parsed as JSON when they are JSON; unknown ids fail with one line
    const [set1, set2, set3, missing, badPair] = await Promise.all([
      sessions(['set', a1, 'user=ada', 'count=10', 'note="hi"', '--json']),
      sessions(['set', a2, 'user=ada']),
      sessions(['set', b, 'user=bob', 'tags=["x",1]']),
      sessions(['show', 'A'.repeat(24)]),
      sessions(['set', a1, 'nokey']),
    ])
    expect(set1.stderr).toBe('')
    expect(JSON.parse(set1.stdout)).toMatchObject({ id: a1, data: { count: 10, user: 'ada', note: 'hi' } })
    expect(set2.code).toBe(0)
    expect(set3.code).toBe(0)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe(`seshjs sessions: No live session with id "${'A'.repeat(24)}".\n`)
    expect(badPair.code).toBe(2)
    expect(await countOf(ada1)).toBe(10) // the next HTTP request sees the change

    const [all, adas, shown, counted, human] = await Promise.all([
      sessions(['list', '--json']),
      sessions(['list', '--user', 'ada', '--json']),
      sessions(['show', b, '--json']),
      sessions(['count', '--json']),
      sessions(['list', '--user', 'bob']),
    ])
    const listed = JSON.parse(all.stdout) as { id: string; data: Record<string, unknown>; expiresAt: number }[]
    expect(listed.map((s) => s.id).sort()).toEqual([a1, a2, b].sort())
    expect(listed.find((s) => s.id === b)!.data).toEqual({ count: 1, user: 'bob', tags: ['x', 1] })
    expect((JSON.parse(adas.stdout) as { id: string }[]).map((s) => s.id).sort()).toEqual([a1, a2].sort())
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: b, data: { user: 'bob' }, issuedAt: expect.any(Number), expiresAt: expect.any(Number) })
    expect(JSON.parse(counted.stdout)).toEqual({ count: 3 })
    expect(human.stdout).toMatch(new RegExp(`^${b}  expires \\d{4}-\\d\\d-\\d\\dT[\\d:]+Z  \\{"count":1,"user":"bob",`))

    // The race: ada's second device is mid-write (its PutItem held) when she is logged out everywhere.
    const reached = new Promise<void>((resolve) => (gate.reached = resolve))
    gate.armed = true
    const inFlight = ada2.fetch(`${server.url}/count`, { method: 'POST' })
    await reached
    const revoked = await sessions(['revoke', '--user', 'ada', '--json'])
    expect(JSON.parse(revoked.stdout)).toEqual({ user: 'ada', revoked: 2 })
    gate.release!()
    const raced = await inFlight
    expect(raced.status).toBe(302)
    expect(raced.headers.get('set-cookie')).toMatch(/^_idx=; Max-Age=0;/) // the session ended; not brought back
    expect(await countOf(ada2)).toBe(0)
    expect(await countOf(ada1)).toBe(0)
    expect(await countOf(bob)).toBe(1) // another user's session is untouched

    // the listing first: run beside the revoke, it could miss bob's session
    const left = await sessions(['list', '--json'])
    const [one, again] = await Promise.all([sessions(['revoke', b]), sessions(['show', a2, '--json'])])
    // ada1 and ada2 are fresh, empty visitors now (a GET writes nothing): only bob was left before his revoke
    expect((JSON.parse(left.stdout) as { id: string }[]).map((s) => s.id)).toEqual([b])
    expect(one.stdout).toBe(`Revoked session "${b}".\n`)
    expect(again.code).toBe(1)
    expect(await countOf(bob)).toBe(0)
    const none = await sessions(['revoke', b, '--json'])
    expect(JSON.parse(none.stdout)).toEqual({ id: b, revoked: false })
  })
})
