/** The Worker's KV binding is looked up among env's own properties only. */
import { describe, expect, it } from 'vitest'
import { isD1Database, isDurableObjectNamespace, storeFromEnv } from 'seshjs/workers'

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

  it('tells a D1 binding (prepare, batch) from a KV or Durable Object namespace, and keeps sessions in it', async () => {
    const statements: string[] = []
    const d1 = {
      prepare: (sql: string) => ({ bind: () => ({ all: async () => (statements.push(sql), { results: [{ count: 0 }] }) }) }),
      batch: async () => [],
    }
    expect(isD1Database(d1)).toBe(true)
    expect(isD1Database(kv)).toBe(false)
    expect(isDurableObjectNamespace(d1)).toBe(false)
    const store = storeFromEnv({ ARC_SESSION_TABLE_NAME: 'SESSIONS_DB', SESSIONS_DB: d1 })!
    expect(await store.records!.count!(1_800_000_000)).toBe(0) // the SQLite store: one SELECT count(*) on the table
    expect(statements).toEqual([expect.stringMatching(/^SELECT count\(\*\) AS count FROM "sessions" /)])
  })
})
