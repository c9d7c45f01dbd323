import { describe, expect, it } from 'vitest'
import { SECRET } from '../../test/helpers.js'
import { SessionStoreUnavailableError } from '../errors.js'
import { createSessions } from './engine.js'
import { memoryStore } from '../stores/memory/index.js'
import type { SessionStore } from '../stores/contract.js'

describe('a session whose load failed', () => {
  it('loads on the next try: every load waiting on the failed one rejects, a later one reads the store again', async () => {
    const inner = memoryStore()
    let failures = 1
    const store: SessionStore = {
      ...inner,
      read(value, context) {
        if (failures-- > 0) return Promise.reject(new SessionStoreUnavailableError('read', new Error('down')))
        return inner.read(value, context)
      },
    }
    const engine = createSessions({ secret: SECRET, store })
    const first = engine.open(undefined)
    first.set('count', 1)
    const saved = await engine.saveCookie(first)
    const session = engine.open(saved!.value!)
    // two loads at once share the one read, which fails: both reject
    const results = await Promise.allSettled([session.load(), session.get('count')])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    // the store is back: the same session reads it again
    expect(await session.get('count')).toBe(1)
    expect(session.isNew).toBe(false)
  })
})
