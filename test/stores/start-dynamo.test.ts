/**
 * The database-backed demo, as a user runs it: `npm run start:dynamo` (dynalite
 * + table + counter in one command), and `npm start` with
 * `ARC_SESSION_TABLE_NAME` and `AWS_ENDPOINT_URL_DYNAMODB` pointing at a
 * running emulator — no region, no credentials.
 */
import { createServer, type Server } from 'node:net'
import { GetItemCommand } from '@aws-sdk/client-dynamodb'
import { afterAll, describe, expect, it } from 'vitest'
import { createSessionTable } from 'seshjs/dynamodb'
import { freePort, type Runtime, startNode, startScript } from '../e2e/runtimes.js'
import { CookieJar } from '../helpers.js'
import { type Dynalite, startDynalite } from './dynalite.js'
import { runStartScript } from './start-script.js'

const running: { stop(): Promise<void> }[] = []
const dynamos: Dynalite[] = []

afterAll(async () => {
  for (const runtime of running) await runtime.stop()
  for (const dynamo of dynamos) await dynamo.close()
})

const countIn = (html: string) => Number(/Count (\d+)/.exec(html)?.[1])

async function countTwice(runtime: Runtime): Promise<CookieJar> {
  const jar = new CookieJar()
  expect((await jar.fetch(`${runtime.url}/count`, { method: 'POST' })).status).toBe(302)
  expect((await jar.fetch(`${runtime.url}/count`, { method: 'POST' })).status).toBe(302)
  expect(countIn(await (await jar.fetch(runtime.url)).text())).toBe(2)
  return jar
}

describe('database-backed counter', () => {
  it('npm run start:dynamo: one command starts dynalite, creates the table and serves the counter', async () => {
    const runtime = await startScript('start:dynamo', 'scripts/start-dynamo.ts', {
      PORT: String(await freePort()),
      ARC_APP_SECRET: 'abcdefghijklmnopqrstuvwxyz0123456789',
    })
    running.push(runtime)
    const jar = await countTwice(runtime)
    expect(decodeURIComponent(jar.cookies.get('_idx')!)).toMatch(/^[\w-]{24}\.[A-Za-z0-9+/]{43}$/) // a signed id, not a JWE
  })

  it('npm run start:dynamo prints no AWS SDK banner about Node versions, and on a busy port names itself, not npm start', async () => {
    const started = await runStartScript('start:dynamo', 'scripts/start-dynamo.ts', { PORT: String(await freePort()) })
    expect(started.output).toMatch(/table "sessions" ready/)
    expect(started.output).not.toMatch(/NodeVersionSupportWarning|AWS SDK for JavaScript/)

    const busy: Server = createServer()
    await new Promise<void>((resolve) => busy.listen(0, resolve))
    const port = (busy.address() as { port: number }).port
    try {
      const refused = await runStartScript('start:dynamo', 'scripts/start-dynamo.ts', { PORT: String(port) })
      expect(refused.code).toBe(1)
      expect(refused.output.trim()).toBe(`port ${port} is in use, set PORT (for example PORT=${port + 1} npm run start:dynamo)`) // before dynalite starts
    } finally {
      busy.close()
    }
  })

  it('ARC_SESSION_TABLE_NAME=sessions AWS_ENDPOINT_URL_DYNAMODB=... npm start keeps sessions in the table', async () => {
    const dynamo = await startDynalite()
    dynamos.push(dynamo)
    await createSessionTable({ table: 'sessions', client: dynamo.client })
    const runtime = await startNode({
      ARC_SESSION_TABLE_NAME: 'sessions',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      ARC_APP_SECRET: 'abcdefghijklmnopqrstuvwxyz0123456789',
    })
    running.push(runtime)
    const jar = await countTwice(runtime)
    const id = decodeURIComponent(jar.cookies.get('_idx')!).split('.')[0]!
    const { Item } = await dynamo.client.send(new GetItemCommand({ TableName: 'sessions', Key: { _idx: { S: id } } }))
    expect(Item?.count).toEqual({ N: '2' })
  })
})
