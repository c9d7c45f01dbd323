/**
 * Soak: a bounded load run on loopback against the counter with a capped
 * memory store (`maxEntries`), showing a flat heap. A flood of new sessions
 * plus returning visitors; once the store is full, every new session evicts
 * one, so the heap must stop growing.
 *
 * CI runs a short version (SESH_SOAK_SECONDS, default 4 s of load after a
 * warm-up that fills the store). For the real soak: SESH_SOAK_SECONDS=180.
 * The figures are printed (and written to SESH_SOAK_REPORT when set).
 */
import { writeFile } from 'node:fs/promises'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memoryStore } from 'seshjs'
import { type RunningServer, serve } from 'seshjs/node'
import { createCounterApp } from '../../examples/counter/app.js'
import { SECRET } from '../helpers.js'

const SECONDS = Number(process.env.SESH_SOAK_SECONDS ?? 4)
const MAX_ENTRIES = Number(process.env.SESH_SOAK_ENTRIES ?? 500)
const CONCURRENCY = 8

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
const heap = () => {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

const store = memoryStore({ maxEntries: MAX_ENTRIES })
let server: RunningServer
let url: string

beforeAll(async () => {
  server = await serve(createCounterApp({ secret: SECRET, store }).fetch, { port: 0, hostname: '127.0.0.1' })
  url = `http://127.0.0.1:${server.port}`
})
afterAll(() => server?.close())

/** One visitor: a new session, then a few returning requests with its cookie. */
async function visitor(): Promise<number> {
  const first = await fetch(`${url}/count`, { method: 'POST', redirect: 'manual' })
  await first.arrayBuffer()
  const cookie = first.headers.get('set-cookie')?.split(';')[0]
  if (first.status !== 302 || !cookie) throw new Error(`unexpected ${first.status}`)
  let requests = 1
  for (let i = 0; i < 3; i++) {
    const response = await fetch(i === 2 ? url : `${url}/count`, {
      method: i === 2 ? 'GET' : 'POST',
      headers: { cookie },
      redirect: 'manual',
    })
    await response.arrayBuffer()
    if (response.status >= 500) throw new Error(`unexpected ${response.status}`)
    requests++
  }
  return requests
}

async function load(until: number): Promise<number> {
  let requests = 0
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < until) {
        const made = await visitor()
        requests += made
      }
    }),
  )
  return requests
}

describe(`soak: memory store capped at ${MAX_ENTRIES} entries, ${SECONDS} s of load`, () => {
  it(
    'keeps the heap flat once the store is full',
    async () => {
      // Warm-up: fill the store to its cap (and warm the JIT and connection pools).
      while (store.size < MAX_ENTRIES) await load(Date.now() + 250)
      await load(Date.now() + 500)
      const baseline = heap()
      const samples: number[] = []
      let requests = 0
      const end = Date.now() + SECONDS * 1000
      while (Date.now() < end) {
        requests += await load(Math.min(end, Date.now() + Math.max(1000, (SECONDS * 1000) / 8)))
        samples.push(heap())
      }
      const growth = samples[samples.length - 1]! - baseline
      const peak = Math.max(...samples) - baseline
      const figures = {
        seconds: SECONDS,
        maxEntries: MAX_ENTRIES,
        requests,
        requestsPerSecond: Math.round(requests / SECONDS),
        storeSize: store.size,
        baselineHeapMB: +(baseline / 2 ** 20).toFixed(1),
        samplesMB: samples.map((s) => +(s / 2 ** 20).toFixed(1)),
        growthMB: +(growth / 2 ** 20).toFixed(2),
        peakGrowthMB: +(peak / 2 ** 20).toFixed(2),
      }
      console.log(`soak: ${JSON.stringify(figures)}`)
      if (process.env.SESH_SOAK_REPORT) await writeFile(process.env.SESH_SOAK_REPORT, JSON.stringify(figures, null, 2))

      expect(store.size).toBe(MAX_ENTRIES)
      expect(requests).toBeGreaterThan(0)
      // Flat: well under the memory of the sessions that passed through (each ~1 KB), whatever the run length.
      expect(growth).toBeLessThan(8 * 2 ** 20)
    },
    60_000 + SECONDS * 2000,
  )
})
