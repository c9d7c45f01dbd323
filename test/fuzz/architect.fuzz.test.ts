/** Fuzzing: Architect request bodies (JSON, form, text, base64) through seshjs/architect's http(). See arbitraries.ts. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createArchitect, type ArcRequest } from 'seshjs/architect'
import { SECRET } from '../helpers.js'
import { arcEvent, params, quiet, RUNS } from './arbitraries.js'

describe(`fuzzing Architect http() (${RUNS.toLocaleString('en')} runs)`, () => {
  it('JSON, form, text and base64 bodies, arbitrary headers and cookies: never a throw, never a 500', async () => {
    const arc = createArchitect({ secret: SECRET, env: {}, ...quiet })
    const handler = arc.http(async (req: ArcRequest) => {
      const count = typeof req.session.count === 'number' ? req.session.count : 0
      const json = { count, body: typeof req.body }
      return (req as ArcRequest & { write?: boolean }).write ? { session: { ...req.session, count: count + 1 }, json } : { json }
    })
    const statuses = new Map<number, number>()
    await fc.assert(
      fc.asyncProperty(arcEvent, async (event) => {
        const result = await handler(event, {})
        statuses.set(result.statusCode, (statuses.get(result.statusCode) ?? 0) + 1)
        expect(result.statusCode).toBeLessThan(500)
      }),
      params,
    )
    expect(statuses.get(200)).toBeGreaterThan(0)
  }, 120_000)
})
