/**
 * Fault test: the DynamoDB server (dynalite, data on disk) stops in the middle
 * of a session. Requests get a plain 503 and nothing is overwritten; once it is
 * back, the session is intact with its data.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSessionTable, dynamoStore } from 'seshjs/dynamodb'
import { type RunningServer, serve } from 'seshjs/node'
import { createCounterApp } from '../../examples/counter/app.js'
import { CookieJar, SECRET } from '../helpers.js'
import { type Dynalite, startDynalite } from './dynalite.js'

let dir: string
let dynamo: Dynalite
let server: RunningServer

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sesh-dynalite-'))
  dynamo = await startDynalite({ path: dir, maxAttempts: 2 })
  await createSessionTable({ table: 'sessions', client: dynamo.client })
  const app = createCounterApp({ secret: SECRET, store: dynamoStore({ table: 'sessions', client: dynamo.client }) })
  server = await serve(app.fetch, { port: 0, hostname: '127.0.0.1' })
})

afterAll(async () => {
  await server?.close()
  await dynamo?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

const countIn = (html: string) => Number(/Count (\d+)/.exec(html)?.[1])

describe('DynamoDB outage in the middle of a session', () => {
  it('answers 503 while the server is down, and the session is intact once it is back', async () => {
    const jar = new CookieJar()
    const url = `http://127.0.0.1:${server.port}`
    for (let i = 0; i < 3; i++) expect((await jar.fetch(`${url}/count`, { method: 'POST' })).status).toBe(302)
    expect(countIn(await (await jar.fetch(url)).text())).toBe(3)
    const cookie = jar.header()

    await dynamo.stop()
    for (const [path, method] of [
      ['/', 'GET'],
      ['/count', 'POST'],
      ['/reset', 'POST'],
    ] as const) {
      const response = await jar.fetch(`${url}${path}`, { method })
      expect(response.status).toBe(503)
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
      expect(response.headers.get('set-cookie')).toBeNull() // the cookie is neither replaced nor cleared
      const body = await response.text()
      expect(body.length).toBeLessThan(200)
      expect(body).not.toMatch(/ECONNREFUSED|at |Error|127\.0\.0\.1/)
    }
    expect(jar.header()).toBe(cookie)

    await dynamo.start()
    expect(countIn(await (await jar.fetch(url)).text())).toBe(3)
    expect((await jar.fetch(`${url}/count`, { method: 'POST' })).status).toBe(302)
    expect(countIn(await (await jar.fetch(url)).text())).toBe(4)
    expect(jar.header()).toBe(cookie) // the same session all along
  })
})
