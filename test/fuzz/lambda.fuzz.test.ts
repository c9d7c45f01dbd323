/** Fuzzing: Lambda events (REST v1, HTTP v2, Function URL, ALB) through toLambda and the counter. See arbitraries.ts. */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { memoryStore } from 'seshjs'
import { toLambda } from 'seshjs/lambda'
import { createCounterApp } from '../../examples/counter/app.js'
import { SECRET } from '../helpers.js'
import { albEvent, params, quiet, RUNS, v1Event, v2Event } from './arbitraries.js'

// Hono's Lambda mapping logs (console.error) each event it cannot turn into a Request (answered 400).
beforeAll(() => void vi.spyOn(console, 'error').mockImplementation(() => {}))
afterAll(() => vi.restoreAllMocks())

describe(`fuzzing Lambda events (${RUNS.toLocaleString('en')} runs)`, () => {
  it('REST v1, HTTP v2, Function URL and ALB events with arbitrary headers, cookies, bodies, base64 flags: never a throw, never a 500', async () => {
    const app = createCounterApp({ secret: SECRET, store: memoryStore({ maxEntries: 1000 }), ...quiet })
    const handler = toLambda(app.fetch)
    const statuses = new Map<number, number>()
    await fc.assert(
      fc.asyncProperty(fc.oneof(v1Event, v2Event(false), v2Event(true), albEvent), async (event) => {
        const result = await handler(event, {})
        statuses.set(result.statusCode, (statuses.get(result.statusCode) ?? 0) + 1)
        expect(result.statusCode).toBeLessThan(500)
      }),
      params,
    )
    expect(statuses.get(302)).toBeGreaterThan(0) // POST /count got through: sessions were written
    expect(statuses.get(200)).toBeGreaterThan(0)
  }, 120_000)
})
