/**
 * `seshjs sessions ...` run as child processes against dynalite, on sessions
 * minted by the counter app over HTTP: list, show, set (the next request sees
 * it), revoke (the next request starts afresh), revoke --user leaving other
 * users' sessions, and a revoke racing a request that is writing the session;
 * then what else a table holds: a WebSocket connection record, another
 * application's items, an item whose id carries terminal escapes.
 */
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ws } from 'seshjs/architect'
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
    expect(JSON.parse(shown.stdout)).toMatchObject({
      id: b,
      data: { user: 'bob' },
      issuedAt: expect.any(Number),
      expiresAt: expect.any(Number),
    })
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

describe('seshjs sessions, beside what else the table holds', () => {
  const now = () => Math.floor(Date.now() / 1000)
  const put = (item: Record<string, unknown>) => db.client.send(new PutItemCommand({ TableName: TABLE, Item: item as never }))
  const exists = async (id: string) =>
    (await db.client.send(new GetItemCommand({ TableName: TABLE, Key: { _idx: { S: id } }, ConsistentRead: true }))).Item !== undefined
  /** Every control character a terminal acts on (C0 but line feed, DEL, C1). */
  const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/

  it('a WebSocket connection record is not listed or counted, and no output holds a cookie', async () => {
    const jar = new CookieJar()
    await jar.fetch(`${server.url}/count`, { method: 'POST' })
    const id = idOf(jar)
    const signature = decodeURIComponent(jar.cookies.get('_idx')!).split('.')[1]!
    const counted = JSON.parse((await sessions(['count', '--json'])).stdout) as { count: number }
    const socket = ws(async () => undefined, {
      store: dynamoStore({ table: TABLE, client: db.client }),
      secret: SECRET,
      env: { ARC_ENV: 'testing' },
      api: { send: async () => {}, close: async () => {} },
    })
    expect(
      await socket({ requestContext: { routeKey: '$connect', connectionId: 'L0SM9cOFvHcCIhw=' }, headers: { cookie: jar.header() } }),
    ).toEqual({ statusCode: 200 })

    const [listed, text, after] = await Promise.all([sessions(['list', '--json']), sessions(['list']), sessions(['count', '--json'])])
    expect(JSON.parse(after.stdout)).toEqual(counted) // the connection is no session
    const ids = (JSON.parse(listed.stdout) as { id: string }[]).map((session) => session.id)
    expect(ids).toContain(id)
    expect(ids.some((listedId) => listedId.startsWith('ws-connection-'))).toBe(false)
    for (const output of [listed.stdout, text.stdout]) {
      expect(output).not.toContain(signature)
      expect(output).not.toContain(encodeURIComponent(signature))
    }
  })

  it("refuses an id no session can have (exit 2) and leaves another application's item in place", async () => {
    const foreign = `order-${Math.random().toString(36).slice(2, 10)}`
    const noSecret = 'C'.repeat(24) // a session id's shape, but no _secret: not a session (Architect's rule)
    await put({ _idx: { S: foreign }, _secret: { S: 'x' }, _ttl: { N: String(now() + 3600) }, total: { N: '99' } })
    await put({ _idx: { S: noSecret }, _ttl: { N: String(now() + 3600) }, total: { N: '7' } })

    const [bad, none, shown] = await Promise.all([
      sessions(['revoke', foreign]),
      sessions(['revoke', noSecret]),
      sessions(['show', 'config']),
    ])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toBe(
      `seshjs sessions: "${foreign}" is not a session id (session ids are 24 characters of A-Z, a-z, 0-9, _ and -) (see \`seshjs sessions --help\`)\n`,
    )
    expect(none.code).toBe(0)
    expect(none.stdout).toBe(`No live session with id "${noSecret}" (nothing to revoke).\n`)
    expect(shown.code).toBe(2)
    expect(await exists(foreign)).toBe(true)
    expect(await exists(noSecret)).toBe(true)
  })

  it('prints nothing a terminal would act on: hostile ids are not listed, data and arguments are escaped', async () => {
    const hostileId = `\u001b]0;owned\u0007\u001b[2J${'A'.repeat(8)}`
    await put({ _idx: { S: hostileId }, _secret: { S: 'x' }, _ttl: { N: String(now() + 3600) }, n: { N: '1' } })
    const jar = new CookieJar()
    await jar.fetch(`${server.url}/count`, { method: 'POST' })
    const id = idOf(jar)
    const set = await sessions(['set', id, 'note=\u009b31mred\u001b[0m\u202eevil'])
    expect(set.code).toBe(0)

    const [text, json, shown, refused] = await Promise.all([
      sessions(['list']),
      sessions(['list', '--json']),
      sessions(['show', id]),
      sessions(['revoke', hostileId]),
    ])
    for (const output of [text.stdout, json.stdout, shown.stdout, refused.stderr]) expect(output).not.toMatch(CONTROL)
    expect(text.stdout).toContain('\\u009b31mred\\u001b[0m\\u202eevil')
    expect(text.stdout).not.toContain('owned')
    const listed = JSON.parse(json.stdout) as { id: string; data: { note?: string } }[]
    expect(listed.find((session) => session.id === id)!.data.note).toBe('\u009b31mred\u001b[0m\u202eevil') // still the same JSON value
    expect(listed.some((session) => session.id === hostileId)).toBe(false)
    expect(refused.code).toBe(2)
    expect(await exists(hostileId)).toBe(true)
  })
})
