/** Property: no cookie header, however hostile, makes load() or a read throw. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createSessions, memoryStore } from 'seshjs'
import { SECRET } from './helpers.js'

const engines = {
  cookie: createSessions({ secret: SECRET }),
  memory: createSessions({ secret: SECRET, store: memoryStore() }),
}

// Cookie values shaped like tokens, ids and junk, plus whole arbitrary headers.
const tokenish = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.array(fc.base64String(), { minLength: 1, maxLength: 6 }).map((parts) => parts.join('.')),
  fc.tuple(fc.stringMatching(/^[A-Za-z0-9_-]{0,40}$/), fc.base64String()).map(([id, sig]) => `${id}.${sig}`),
  fc.string({ unit: 'grapheme' }).map(encodeURIComponent),
)
const header = fc.oneof(
  tokenish.map((value) => `_idx=${value}`),
  fc.tuple(tokenish, tokenish).map(([a, b]) => `_idx=${a}; other=1; _idx=${b}`),
  fc.string({ unit: 'binary', maxLength: 500 }),
)

describe('hostile cookies (property-based)', () => {
  for (const [name, engine] of Object.entries(engines)) {
    it(`${name} store: load() and reads never throw, and give an empty session`, async () => {
      await fc.assert(
        fc.asyncProperty(header, async (cookie) => {
          let request: Request
          try {
            request = new Request('http://localhost/', { headers: { cookie } })
          } catch {
            return // not a valid header value at all: no runtime would deliver it
          }
          const session = await engine.load(request)
          expect(await session.all()).toEqual({})
          expect(session.isNew).toBe(true)
          await engine.commit(session, new Response())
        }),
        { numRuns: 300 },
      )
    })
  }
})
