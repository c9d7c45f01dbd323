import { describe, expect, it } from 'vitest'
import { createSessions, engineOf } from './engine.js'
import { Session, SNAPSHOT } from './session.js'
import { memoryStore } from '../stores/memory/index.js'

const secret = 'registry-test-secret-0123456789-abcdefgh'

describe('engineOf', () => {
  it('finds the engine that made a session, through every door, and no other', async () => {
    const one = createSessions<{ count: number }>({ secret, store: memoryStore() })
    const two = createSessions<{ count: number }>({ secret, store: memoryStore() })
    const first = await one.load(new Request('http://localhost/'))
    first.set('count', 1)
    await one.save(first)
    const byId = await one.byId.load(first.id!)
    for (const session of [first, one.open(undefined), one.open({ header: '' }), byId!]) expect(engineOf(session)).toBe(one)
    expect(engineOf(two.open(undefined))).toBe(two)
  })

  it('knows no engine for a session made by hand, nor for what is not a session', () => {
    expect(engineOf(new Session(async () => ({}), { hadCookie: false }))).toBeUndefined()
    expect(engineOf({} as never)).toBeUndefined()
  })
})

describe('the snapshot a session hands the engine', () => {
  it('does not follow later changes, and copies the data only when asked', async () => {
    const session = new Session<{ count: number }>(async () => ({}), { hadCookie: false, newId: () => 'id' })
    session.set('count', 1)
    await session.load()
    const before = session[SNAPSHOT](true)
    session.set('count', 2)
    session.destroy()
    expect(before.data).toEqual({ count: 1 })
    expect(before.destroyed).toBe(false)
    expect(session[SNAPSHOT]().destroyed).toBe(true)
    expect(session[SNAPSHOT](true).data).toEqual({})
  })
})
