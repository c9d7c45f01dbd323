/**
 * The store conformance, listing and admin suites on `durableObjectStore()`:
 * the store runs here, its session objects in real workerd (each object call
 * crosses to them over the test Worker's `POST /rpc`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SessionTooLargeError } from 'seshjs'
import { durableObjectStore } from 'seshjs/durable-objects'
import { manualClock } from '../helpers.js'
import { describeAdmin } from './admin-conformance.js'
import { describeStore } from './conformance.js'
import { describeListing } from './listing-conformance.js'
import { describeLifecycle } from './lifecycle-conformance.js'
import { type DurableObjectWorker, startDurableObjectWorker } from './durable-objects-worker.js'

const LIMIT = 64 * 1024
let worker: DurableObjectWorker

beforeAll(async () => {
  worker = await startDurableObjectWorker()
})

afterAll(async () => {
  await worker?.mf.dispose()
})

// The objects' alarms run on the real clock: the suites' clock starts now, so an alarm never ends a session the suite holds live.
const clock = () => manualClock(Date.now())
let suite = 0
const name = () => `suite-${++suite}-${Math.random().toString(36).slice(2, 8)}-`

describeStore('Durable Objects', {
  make: (options) => durableObjectStore(worker.namespace('SESSIONS_DO'), { name: name(), shards: 2, maxSize: LIMIT, ...options }),
  keepsRecords: true,
  optimistic: true,
  renewsInPlace: true,
  backendCalls: () => worker.calls(),
  get clock() {
    return clock()
  },
  limit: { fits: { blob: 'x'.repeat(LIMIT - 100) }, tooLarge: { blob: 'x'.repeat(LIMIT) }, bytes: LIMIT },
  failing: () => durableObjectStore(worker.namespace('MISSING' as never), { shards: 1 }), // no such binding: every call fails
})
const indexed = () => durableObjectStore(worker.namespace('SESSIONS_DO'), { name: 'indexed-', shards: 3, userKey: 'user' })
const scanned = () => durableObjectStore(worker.namespace('SESSIONS_DO'), { name: 'scanned-', shards: 3 })
describeListing('Durable Objects, user index', { make: indexed, get clock() { return clock() } })
describeLifecycle('Durable Objects', { make: indexed, keepsRecords: true, get clock() { return clock() } })
describeListing('Durable Objects, no index', { make: scanned, get clock() { return clock() } })
describeAdmin('Durable Objects, user index', { make: indexed, get clock() { return clock() } })
describeAdmin('Durable Objects, no index', { make: scanned, get clock() { return clock() } })

describe('the default size limit', () => {
  it('keeps a session of 2,000,000 bytes of JSON in an object, and refuses one byte more before calling it', async () => {
    const keeper = durableObjectStore(worker.namespace('SESSIONS_DO'), { name: 'big-', shards: 1 }).records!
    const now = Math.floor(Date.now() / 1000)
    const fits = { blob: 'x'.repeat(2_000_000 - '{"blob":""}'.length) }
    expect(JSON.stringify(fits).length).toBe(2_000_000)
    await keeper.set('B'.repeat(24), { data: fits, expiresAt: now + 60 }, now)
    expect((await keeper.get('B'.repeat(24), now))?.data).toEqual(fits)
    const calls = worker.calls()
    const error = await keeper.set('C'.repeat(24), { data: { blob: `${fits.blob}x` }, expiresAt: now + 60 }, now).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SessionTooLargeError)
    expect(error).toMatchObject({ limit: 2_000_000, size: 2_000_001 })
    expect(worker.calls()).toBe(calls)
  })
})
