/** The Worker's KV binding is looked up among env's own properties only. */
import { describe, expect, it } from 'vitest'
import { storeFromEnv } from 'seshjs/workers'

const kv = { get: async () => null, put: async () => undefined, delete: async () => undefined }

describe('storeFromEnv', () => {
  it('refuses a table name that is only an inherited property (constructor, __proto__, toString)', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(() => storeFromEnv({ ARC_SESSION_TABLE_NAME: name }), name).toThrow(/no KV namespace binding/)
    }
    const inherited = Object.assign(Object.create({ SESSIONS: kv }), { ARC_SESSION_TABLE_NAME: 'SESSIONS' })
    expect(() => storeFromEnv(inherited)).toThrow(/no KV namespace binding/)
    expect(storeFromEnv({ ARC_SESSION_TABLE_NAME: 'SESSIONS', SESSIONS: kv })).toBeDefined()
  })
})
