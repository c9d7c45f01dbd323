/**
 * Load test (bounded, loopback only): many concurrent clients, each counting
 * its own session up through a real Node server. A correctness test: every
 * final count exact, no session sees another's data. No timing assertions.
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memoryStore, type SessionStore } from 'seshjs'
import { createSessionTable, dynamoStore } from 'seshjs/dynamodb'
import { type RunningServer, serve } from 'seshjs/node'
import { createCounterApp } from '../../examples/counter/app.js'
import { CookieJar, SECRET } from '../helpers.js'
import { type Dynalite, startDynalite } from './dynalite.js'

const CLIENTS = 50
const INCREMENTS = 20

let dynamo: Dynalite
const servers: RunningServer[] = []

beforeAll(async () => {
  dynamo = await startDynalite()
  await createSessionTable({ table: 'sessions', client: dynamo.client })
})

afterAll(async () => {
  for (const server of servers) await server.close()
  await dynamo?.close()
})

const countIn = (html: string) => Number(/Count (\d+)/.exec(html)?.[1])

/** Runs the clients against a counter on `store`; returns each client's session id. */
async function run(store: SessionStore): Promise<string[]> {
  const server = await serve(createCounterApp({ secret: SECRET, store }).fetch, { port: 0, hostname: '127.0.0.1' })
  servers.push(server)
  const url = `http://127.0.0.1:${server.port}`
  return Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const jar = new CookieJar()
      for (let i = 1; i <= INCREMENTS; i++) {
        const post = await jar.fetch(`${url}/count`, { method: 'POST' })
        expect(post.status).toBe(302)
        await post.arrayBuffer()
        if (i % 5 === 0) expect(countIn(await (await jar.fetch(url)).text())).toBe(i) // reads its own writes
      }
      expect(countIn(await (await jar.fetch(url)).text())).toBe(INCREMENTS)
      return decodeURIComponent(jar.cookies.get('_idx')!).split('.')[0]!
    }),
  )
}

describe(`load: ${CLIENTS} concurrent clients x ${INCREMENTS} increments`, () => {
  it('memory store: every count exact, every session its own', async () => {
    const ids = await run(memoryStore())
    expect(new Set(ids).size).toBe(CLIENTS)
  })

  it('DynamoDB store (dynalite): every count exact, every session its own, one item each', async () => {
    const ids = await run(dynamoStore({ table: 'sessions', client: dynamo.client }))
    expect(new Set(ids).size).toBe(CLIENTS)
    const { Items = [] } = await dynamo.client.send(new ScanCommand({ TableName: 'sessions', ConsistentRead: true }))
    expect(Items).toHaveLength(CLIENTS) // no item for anything but a real session
    expect(new Set(Items.map((item) => item._idx!.S))).toEqual(new Set(ids))
    for (const item of Items) {
      expect(item.count).toEqual({ N: String(INCREMENTS) })
      expect(Object.keys(item).sort()).toEqual(['_idx', '_secret', '_ttl', 'count'])
    }
  })
})
