/**
 * The Architect example with DynamoDB sessions under the sandbox
 * (`ARC_SESSION_TABLE_NAME=sessions`, the sandbox's local DynamoDB): sesh finds
 * the table as Architect does, and the real @architect/functions reads and
 * writes the same items through the same cookie.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { CookieJar } from '../helpers.js'
import { loadArc, setEnv } from './arc.js'
import { freePort, startExample, type RunningExample } from './sandbox.js'

const SECRET = 'a-dynamodb-secret-from-the-shell-0123456789'
let app: RunningExample
const ports = { _arc: 0, tables: 0 }

beforeAll(async () => {
  ports._arc = await freePort()
  ports.tables = await freePort()
  app = await startExample({
    ARC_SESSION_TABLE_NAME: 'sessions',
    ARC_APP_SECRET: SECRET,
    ARC_INTERNAL_PORT: String(ports._arc),
    ARC_TABLES_PORT: String(ports.tables),
  })
})

afterAll(async () => {
  await app?.stop()
})

it('counts in DynamoDB items that @architect/functions reads and writes', async () => {
  const jar = new CookieJar()
  await jar.fetch(`${app.url}/count`, { method: 'POST' })
  await jar.fetch(`${app.url}/count`, { method: 'POST' })
  expect(await (await jar.fetch(`${app.url}/`)).text()).toContain('Count 2')
  const value = decodeURIComponent(jar.cookies.get('_idx')!)
  expect(value).toMatch(/^[\w-]{24}\.[A-Za-z0-9+/]{43}$/) // <id>.<signature>, not a JWE

  // Architect, pointed at the same sandbox, reads the item...
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_EC2_METADATA_DISABLED: 'true' })
  process.env.ARC_SANDBOX = JSON.stringify({ ports, version: '8.0.0' })
  setEnv({ ARC_SESSION_TABLE_NAME: 'sessions', ARC_APP_SECRET: SECRET, ARC_APP_NAME: 'sesh-architect', ARC_ENV: 'testing' })
  const arc = loadArc()
  const cookie = `_idx=${jar.cookies.get('_idx')}`
  const session = await arc.http.session.read({ headers: { cookie } })
  expect(session).toMatchObject({ _idx: value.split('.')[0], _secret: expect.any(String), count: 2 })

  // ...and what it writes is what the example shows next.
  const written = await arc.http.session.write({ ...session, count: 10 })
  expect(written.split(';')[0]).toBe(cookie)
  expect(await (await jar.fetch(`${app.url}/`)).text()).toContain('Count 10')
})

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
})
const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1]!
const idOf = (jar: CookieJar) => decodeURIComponent(jar.cookies.get('_idx')!).split('.')[0]!

it('login: the form is bound to its visitor, and logging in rotates the session id (the old one is dead)', async () => {
  const victim = new CookieJar()
  const html = await (await victim.fetch(`${app.url}/login`)).text()
  const before = victim.cookies.get('_idx')!
  const beforeId = idOf(victim)

  // login CSRF: a token the attacker fetched with their own session does not verify for the victim
  const attacker = new CookieJar()
  const attackerToken = csrfOf(await (await attacker.fetch(`${app.url}/login`)).text())
  const login = { username: 'admin', password: 'a-secure-password' }
  expect((await victim.fetch(`${app.url}/login`, form({ ...login, csrf: attackerToken }))).status).toBe(403)
  expect((await attacker.fetch(`${app.url}/login`, form({ ...login, csrf: csrfOf(html) }))).status).toBe(403)

  const response = await victim.fetch(`${app.url}/login`, form({ ...login, csrf: csrfOf(html) }))
  expect(response.status).toBe(302)
  expect(response.headers.get('location')).toBe('/account')
  const afterId = idOf(victim)
  expect(afterId).not.toBe(beforeId)
  expect((await victim.fetch(`${app.url}/account`)).status).toBe(200)

  // session fixation: the pre-login cookie, replayed, reads as logged out, and its item is gone
  const replay = new CookieJar()
  replay.cookies.set('_idx', before)
  const replayed = await replay.fetch(`${app.url}/account`)
  expect(replayed.status).toBe(302)
  expect(replayed.headers.get('location')).toBe('/login')
  const client = new DynamoDBClient({
    endpoint: `http://localhost:${ports.tables}`,
    region: 'us-west-2',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  })
  const item = (id: string) =>
    client.send(new GetItemCommand({ TableName: 'sesh-architect-staging-sessions', Key: { _idx: { S: id } }, ConsistentRead: true }))
  // the old id holds only a short-lived forward (regenerateGrace): no _secret, none of the data, so no session
  expect(Object.keys((await item(beforeId)).Item ?? {}).sort()).toEqual(['_idx', '_moved', '_ttl'])
  expect((await item(afterId)).Item?.user).toEqual({ S: 'admin' })
  client.destroy()
})
