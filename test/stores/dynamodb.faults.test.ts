/**
 * Fault injection, measured: the counter on a real Node server, DynamoDB
 * (dynalite) behind a fault proxy that delays, hangs, resets mid-answer,
 * throttles and answers 500s while N clients each send M increments
 * (optimistic concurrency on). Every acknowledged increment (302) must be in
 * the final count, no session may ever read as empty, every failure must be a
 * 503 with Retry-After, and no request may outlive the deadline.
 *
 * Sizes: SESH_FAULT_CLIENTS (default 5), SESH_FAULT_INCREMENTS (default 12).
 * The figures are printed (and written to SESH_FAULT_REPORT when set).
 */
import { writeFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDynamoClient, createSessionTable, dynamoStore } from 'seshjs/dynamodb'
import { type RunningServer, serve } from 'seshjs/node'
import { createCounterApp } from '../../examples/counter/app.js'
import { CookieJar, noHangBound, SECRET } from '../helpers.js'
import { type Dynalite, startDynalite } from './dynalite.js'
import { type Fault, type FaultProxy, startFaultProxy } from './fault-proxy.js'

const CLIENTS = Number(process.env.SESH_FAULT_CLIENTS ?? 5)
const INCREMENTS = Number(process.env.SESH_FAULT_INCREMENTS ?? 12)
const STORE_TIMEOUT = 2000
/** A request makes at most a read and a write, each with its own deadline: no hang, on a loaded machine too. */
const REQUEST_BOUND = noHangBound(STORE_TIMEOUT, 2)

let dynamo: Dynalite
let proxy: FaultProxy
let server: RunningServer
let client: Awaited<ReturnType<typeof createDynamoClient>>

beforeAll(async () => {
  dynamo = await startDynalite()
  await createSessionTable({ table: 'sessions', client: dynamo.client })
  proxy = await startFaultProxy(dynamo.endpoint)
  // The client sesh creates (timeouts, bounded retries), each attempt's timeout scaled to the test's deadline
  // (generous enough for dynalite on a loaded CI machine).
  client = await createDynamoClient({
    endpoint: proxy.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: { connectionTimeout: 500, requestTimeout: 600, throwOnRequestTimeout: true },
  })
  const store = dynamoStore({ table: 'sessions', client, concurrency: 'optimistic' })
  const app = createCounterApp({ secret: SECRET, store, storeTimeout: STORE_TIMEOUT })
  server = await serve(app.fetch, { port: 0, hostname: '127.0.0.1' })
})

afterAll(async () => {
  await server?.close()
  await proxy?.close()
  client?.destroy()
  await dynamo?.close()
})

const countIn = (html: string) => Number(/Count (\d+)/.exec(html)?.[1])

const FAULTS: (() => Fault)[] = [
  () => ({ kind: 'delay', ms: 50 + Math.floor(Math.random() * 1500) }),
  () => ({ kind: 'hang' }),
  () => ({ kind: 'reset' }),
  () => ({ kind: 'throttle' }),
  () => ({ kind: 'error500' }),
]

describe('DynamoDB behind a fault proxy, faults coming and going', () => {
  it('loses no acknowledged write, never reads a session as empty, fails only with 503 within the deadline', async () => {
    // The run starts in a storm whose first call always fails (a reset), so faults are injected however fast the run is.
    let storm = true
    let first = true
    const weather = setInterval(() => (storm = !storm), 400)
    proxy.policy = () => {
      if (first) {
        first = false
        return { kind: 'reset' }
      }
      return storm && Math.random() < 0.4 ? FAULTS[Math.floor(Math.random() * FAULTS.length)]!() : { kind: 'pass' }
    }

    const url = `http://127.0.0.1:${server.port}`
    const statuses: Record<number, number> = {}
    const violations: string[] = []
    let slowest = 0
    const timed = async (jar: CookieJar, path: string, method: string) => {
      const started = performance.now()
      const response = await jar.fetch(`${url}${path}`, { method })
      const body = await response.text()
      slowest = Math.max(slowest, performance.now() - started)
      statuses[response.status] = (statuses[response.status] ?? 0) + 1
      if (response.status === 503 && response.headers.get('retry-after') === null) violations.push('503 without Retry-After')
      if (response.status !== 503 && response.status !== 302 && response.status !== 200) violations.push(`status ${response.status}`)
      return { response, body }
    }

    const results = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        const jar = new CookieJar()
        let acked = 0
        let attempts = 0
        let cookie: string | undefined
        for (let i = 0; i < INCREMENTS; i++) {
          attempts++
          const { response } = await timed(jar, '/count', 'POST')
          if (response.status === 302) {
            acked++
            cookie ??= jar.header()
          }
          if (cookie !== undefined && jar.header() !== cookie) violations.push(`client ${c}: the session cookie changed (a new session)`)
          if (i % 3 === 2) {
            const { response: page, body } = await timed(jar, '/', 'GET')
            if (page.status === 200 && countIn(body) < acked)
              violations.push(`client ${c}: read ${countIn(body)} after ${acked} acknowledged`)
          }
        }
        return { jar, acked, attempts, cookie }
      }),
    )
    clearInterval(weather)
    proxy.policy = () => ({ kind: 'pass' })

    let acknowledged = 0
    let lost = 0
    let landedUnacknowledged = 0
    for (const { jar, acked, attempts } of results) {
      const { response, body } = await timed(jar, '/', 'GET')
      expect(response.status).toBe(200)
      const final = countIn(body)
      acknowledged += acked
      lost += Math.max(0, acked - final)
      landedUnacknowledged += Math.max(0, final - acked)
      expect(final).toBeLessThanOrEqual(attempts)
    }
    const injected = Object.entries(proxy.counts).filter(([kind]) => kind !== 'pass')
    const figures = {
      clients: CLIENTS,
      incrementsPerClient: INCREMENTS,
      httpRequests: Object.values(statuses).reduce((a, b) => a + b, 0),
      statuses,
      dynamoRequests: Object.values(proxy.counts).reduce((a, b) => a + b, 0),
      faultsInjected: Object.fromEntries(injected),
      acknowledgedIncrements: acknowledged,
      lost,
      landedButAnswered503: landedUnacknowledged,
      slowestRequestMs: Math.round(slowest),
      storeTimeoutMs: STORE_TIMEOUT,
    }
    console.log(`fault injection: ${JSON.stringify(figures)}`)
    if (process.env.SESH_FAULT_REPORT) await writeFile(process.env.SESH_FAULT_REPORT, JSON.stringify(figures, null, 2))

    expect(violations).toEqual([])
    expect(lost).toBe(0)
    expect(acknowledged).toBeGreaterThan(0)
    expect(statuses[500] ?? 0).toBe(0)
    expect(injected.reduce((sum, [, n]) => sum + n, 0)).toBeGreaterThan(0)
    expect(slowest).toBeLessThan(REQUEST_BOUND)
  }, 120_000)

  it('a hung DynamoDB answers 503 within the deadline, and the session is intact once it recovers', async () => {
    const url = `http://127.0.0.1:${server.port}`
    const jar = new CookieJar()
    proxy.policy = () => ({ kind: 'pass' })
    for (let i = 0; i < 2; i++) expect((await jar.fetch(`${url}/count`, { method: 'POST' })).status).toBe(302)
    const cookie = jar.header()

    proxy.policy = () => ({ kind: 'hang' })
    for (const method of ['GET', 'POST']) {
      const started = performance.now()
      const response = await jar.fetch(`${url}${method === 'GET' ? '/' : '/count'}`, { method })
      expect(response.status).toBe(503)
      expect(response.headers.get('retry-after')).toBe('5')
      expect(performance.now() - started).toBeLessThan(noHangBound(STORE_TIMEOUT)) // the proxy hangs for ever
    }
    proxy.policy = () => ({ kind: 'throttle' })
    expect((await jar.fetch(`${url}/count`, { method: 'POST' })).status).toBe(503)

    proxy.policy = () => ({ kind: 'pass' })
    expect(countIn(await (await jar.fetch(url)).text())).toBe(2)
    expect(jar.header()).toBe(cookie)
  }, 30_000)
})
