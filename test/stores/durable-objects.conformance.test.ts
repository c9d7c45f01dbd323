/**
 * The store conformance, listing and admin suites on `durableObjectStore()`:
 * the store runs here, its session objects in real workerd (each object call
 * crosses to them over the test Worker's `POST /rpc`).
 */
import { afterAll, beforeAll } from 'vitest'
import { durableObjectStore } from 'seshjs/durable-objects'
import { manualClock } from '../helpers.js'
import { describeAdmin } from './admin-conformance.js'
import { describeStore } from './conformance.js'
import { describeListing } from './listing-conformance.js'
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
describeListing('Durable Objects, no index', { make: scanned, get clock() { return clock() } })
describeAdmin('Durable Objects, user index', { make: indexed, get clock() { return clock() } })
describeAdmin('Durable Objects, no index', { make: scanned, get clock() { return clock() } })
