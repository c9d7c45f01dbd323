/**
 * The Architect example with DynamoDB sessions under the sandbox
 * (`ARC_SESSION_TABLE_NAME=sessions`, the sandbox's local DynamoDB): sesh finds
 * the table as Architect does, and the real @architect/functions reads and
 * writes the same items through the same cookie.
 */
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
