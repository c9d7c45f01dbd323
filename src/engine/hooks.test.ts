import { describe, expect, it } from 'vitest'
import { CookieJar, manualClock, SECRET, unavailableStore } from '../../test/helpers.js'
import { SessionConflictError, SessionStoreUnavailableError } from '../errors.js'
import { createSessions, type Sessions } from './engine.js'
import type { SessionHooks } from './options.js'
import { memoryStore } from '../stores/memory/index.js'

type Loaded = Awaited<ReturnType<Sessions['load']>>

async function step(engine: Sessions, jar: CookieJar, work: (session: Loaded) => unknown): Promise<void> {
  const cookie = jar.header()
  const session = await engine.load(new Request('http://localhost/', cookie ? { headers: { cookie } } : {}))
  await work(session)
  jar.take(await engine.commit(session, new Response('ok')))
}

/** Every hook, recording its calls as `[name, event]`. */
function recorder(): { events: [string, unknown][]; hooks: Required<SessionHooks> } {
  const events: [string, unknown][] = []
  const on = (name: string) => (event: unknown) => void events.push([name, event])
  return {
    events,
    hooks: {
      onCreate: on('create'),
      onRegenerate: on('regenerate'),
      onDestroy: on('destroy'),
      onRevoke: on('revoke'),
      onConflict: on('conflict'),
      onStoreFailure: on('storeFailure'),
    },
  }
}

describe('engine hooks', () => {
  it('tell of a creation, a regenerate, a destroy and revokes, with the ids', async () => {
    const { events, hooks } = recorder()
    const clock = manualClock()
    const engine = createSessions({
      secret: SECRET,
      store: memoryStore(),
      now: clock.now,
      userKey: 'user',
      maxSessionsPerUser: 1,
      ...hooks,
    })
    const jar = new CookieJar()
    let first = ''
    await step(engine, jar, async (s) => (s.set('n', 1), await s.load(), (first = s.id!)))
    expect(events).toEqual([['create', { id: first }]])
    let second = ''
    await step(engine, jar, async (s) => (s.regenerate(), s.set('user', 'ada'), await s.load(), (second = s.id!)))
    expect(events.at(-1)).toEqual(['regenerate', { id: second, previousId: first }])
    // a second device of the same user: over the cap, the first one is ended
    const phone = new CookieJar()
    let third = ''
    await step(engine, phone, async (s) => (s.set('n', 1), s.regenerate(), s.set('user', 'ada'), await s.load(), (third = s.id!)))
    expect(events.slice(-2)).toEqual([
      ['create', { id: third }],
      ['revoke', { id: second, by: 'cap' }],
    ])
    await step(engine, phone, (s) => s.destroy())
    expect(events.at(-1)).toEqual(['destroy', { id: third }])
    await engine.byId.delete('x'.repeat(24))
    expect(events.at(-1)).toEqual(['revoke', { id: 'x'.repeat(24), by: 'byId' }])
  })

  it('tell of a store failure on a read and of a conflict on a write, and rethrow them', async () => {
    const { events, hooks } = recorder()
    const down = createSessions({ secret: SECRET, store: unavailableStore(), ...hooks })
    const session = down.open('some-cookie-value')
    await expect(session.get('n')).rejects.toThrow(SessionStoreUnavailableError)
    expect(events).toEqual([['storeFailure', { operation: 'read', error: expect.any(SessionStoreUnavailableError) }]])

    events.length = 0
    const engine = createSessions({ secret: SECRET, store: memoryStore({ concurrency: 'optimistic' }), ...hooks })
    const jar = new CookieJar()
    await step(engine, jar, (s) => s.set('n', 1))
    const a = await engine.load(new Request('http://localhost/', { headers: { cookie: jar.header() } }))
    const b = await engine.load(new Request('http://localhost/', { headers: { cookie: jar.header() } }))
    await a.load()
    await b.load() // both read the same version
    a.set('n', 2)
    b.set('n', 3)
    await engine.commit(a, new Response())
    await expect(engine.commit(b, new Response())).rejects.toThrow(SessionConflictError)
    expect(events.map(([name]) => name)).toEqual(['create', 'conflict'])
  })

  it('a hook that throws never fails the request', async () => {
    const engine = createSessions({
      secret: SECRET,
      store: memoryStore(),
      onCreate: () => {
        throw new Error('hook bug')
      },
    })
    const jar = new CookieJar()
    await step(engine, jar, (s) => s.set('n', 1))
    expect(jar.cookies.size).toBe(1)
  })

  it('refuses a hook that is not a function', () => {
    expect(() => createSessions({ secret: SECRET, onCreate: 1 as never })).toThrow(TypeError)
  })
})

describe('maxSessionsPerUser', () => {
  it('a store failure while ending the extra sessions does not cost the login its cookie', async () => {
    const { SessionStoreUnavailableError: Unavailable } = await import('../errors.js')
    const failures: unknown[] = []
    const store = memoryStore()
    const engine = createSessions({
      secret: SECRET,
      store,
      userKey: 'user',
      maxSessionsPerUser: 1,
      onStoreFailure: (event) => void failures.push(event.operation),
    })
    await step(engine, new CookieJar(), (s) => (s.regenerate(), s.set('user', 'ada')))
    const listByUser = store.records!.listByUser!.bind(store.records)
    store.records!.listByUser = async () => {
      throw new Unavailable('store down')
    }
    const jar = new CookieJar()
    await step(engine, jar, (s) => (s.regenerate(), s.set('user', 'ada')))
    expect(jar.cookies.size).toBe(1) // logged in
    expect(failures).toEqual(['write'])
    store.records!.listByUser = listByUser
  })
})
