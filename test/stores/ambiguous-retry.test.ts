/**
 * A conditional write whose connection was cut after it landed is retried by
 * the client and then fails its own condition. That is a success, not a
 * conflict (which the app would answer with an error while the write is stored).
 */
import { describe, expect, it } from 'vitest'
import { optimisticSet, resolveConcurrency, VERSION } from '../../src/stores/concurrency.js'
import type { StoredRecord } from '../../src/stores/store.js'

function keeperWithLandedWrite(landed: StoredRecord | undefined) {
  let stored = landed
  return {
    get: async () => stored,
    put: async (_id: string, record: StoredRecord, expected: number | undefined) => {
      const version = stored?.extra?.[VERSION] as number | undefined
      if (expected === undefined ? stored !== undefined : version !== expected) return false
      stored = record
      return true
    },
  }
}

const optimistic = resolveConcurrency({ concurrency: 'optimistic' }, 'test')

describe('optimistic writes retried after an ambiguous failure', () => {
  it('an update whose first attempt landed (version = expected + 1, same data, keys in another order) succeeds', async () => {
    const mine = { count: 6, user: { name: 'ada', id: 1 } }
    const landed = { data: { user: { id: 1, name: 'ada' }, count: 6 }, expiresAt: 2e9, extra: { [VERSION]: 6 } }
    const result = await optimisticSet(keeperWithLandedWrite(landed), 'id', { data: mine, expiresAt: 2e9, extra: { [VERSION]: 5 } }, 1e9, optimistic)
    expect(result.extra?.[VERSION]).toBe(6)
  })

  it('a new session whose first attempt landed succeeds', async () => {
    const landed = { data: { count: 1 }, expiresAt: 2e9, extra: { [VERSION]: 1 } }
    const result = await optimisticSet(keeperWithLandedWrite(landed), 'id', { data: { count: 1 }, expiresAt: 2e9 }, 1e9, optimistic)
    expect(result.data).toEqual({ count: 1 })
  })

  it('another request\'s write is still a conflict', async () => {
    const theirs = { data: { count: 7 }, expiresAt: 2e9, extra: { [VERSION]: 6 } }
    await expect(
      optimisticSet(keeperWithLandedWrite(theirs), 'id', { data: { count: 6 }, expiresAt: 2e9, extra: { [VERSION]: 5 } }, 1e9, optimistic),
    ).rejects.toThrow(/changed by another request/)
    const newer = { data: { count: 6 }, expiresAt: 2e9, extra: { [VERSION]: 7 } }
    await expect(
      optimisticSet(keeperWithLandedWrite(newer), 'id', { data: { count: 6 }, expiresAt: 2e9, extra: { [VERSION]: 5 } }, 1e9, optimistic),
    ).rejects.toThrow(/changed by another request/)
  })
})
