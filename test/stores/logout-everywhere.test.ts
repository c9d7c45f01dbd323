/**
 * The `/logout-everywhere` recipe of docs/out-of-band.md, run on dynalite: with
 * the user index named in the store, a click is a Query on the index (never a
 * Scan of the table, which anyone logged in could repeat); on a table without
 * the index, the route fails rather than scanning.
 */
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSessions, type SessionEnv, sessions } from 'seshjs'
import { createAdmin } from 'seshjs/admin'
import { createSessionTable, type DynamoClient, dynamoStore } from 'seshjs/dynamodb'
import { CookieJar, SECRET } from '../helpers.js'
import { type Dynalite, startDynalite } from './dynalite.js'

let dynamo: Dynalite
const operations: string[] = []
let client: DynamoClient

beforeAll(async () => {
  dynamo = await startDynalite()
  await createSessionTable({ table: 'indexed', client: dynamo.client, userKey: 'user' })
  await createSessionTable({ table: 'plain', client: dynamo.client })
  client = { send: (command) => (operations.push(command.constructor.name), dynamo.client.send(command)) }
})
afterAll(() => dynamo?.close())

/** The recipe's app, on `table`. */
function recipe(table: string) {
  const store = dynamoStore({ table, client, userIndex: 'by-user' })
  const app = new Hono<SessionEnv<{ user: string }>>()
  app.onError(() => new Response('failed', { status: 500 }))
  app.use(sessions({ secret: SECRET, env: {}, store }))
  const admin = createAdmin(createSessions<{ user: string }>({ secret: SECRET, env: {}, store }))
  app.post('/login', (c) => (c.get('session').set('user', 'ada'), c.text('ok')))
  app.get('/me', async (c) => c.text(String((await c.get('session').get('user')) ?? 'nobody')))
  app.post('/logout-everywhere', async (c) => {
    const user = await c.get('session').get('user')
    if (user) await admin.revokeUser(user)
    c.get('session').destroy()
    return c.redirect('/')
  })
  return app
}

async function send(app: Hono<SessionEnv<{ user: string }>>, jar: CookieJar, method: string, path: string): Promise<Response> {
  const cookie = jar.header()
  const response = await app.request(path, { method, headers: cookie ? { cookie } : {} })
  jar.take(response)
  return response
}

describe('the /logout-everywhere recipe', () => {
  it('with the index: every device of the user is logged out by a Query, no Scan', async () => {
    const app = recipe('indexed')
    const phone = new CookieJar()
    const laptop = new CookieJar()
    await send(app, phone, 'POST', '/login')
    await send(app, laptop, 'POST', '/login')
    operations.length = 0
    expect((await send(app, laptop, 'POST', '/logout-everywhere')).status).toBe(302)
    expect(operations).toContain('QueryCommand')
    expect(operations).not.toContain('ScanCommand')
    expect(await (await send(app, phone, 'GET', '/me')).text()).toBe('nobody')
  })

  it('without the index: the route fails, and nothing scans the table', async () => {
    const app = recipe('plain')
    const jar = new CookieJar()
    await send(app, jar, 'POST', '/login')
    operations.length = 0
    expect((await send(app, jar, 'POST', '/logout-everywhere')).status).toBeGreaterThanOrEqual(500) // the store's error
    expect(operations).not.toContain('ScanCommand')
  })
})
