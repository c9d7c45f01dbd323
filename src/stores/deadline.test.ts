import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, vi } from 'vitest'
import { Keyring, signId } from '../crypto/keyring.js'
import { SessionStoreUnavailableError } from '../errors.js'
import { resolveOptions } from '../engine/options.js'
import { createSessions } from '../engine/engine.js'
import { withSession } from '../engine/with-session.js'
import { noHangBound } from '../../test/helpers.js'
import { withinDeadline } from './deadline.js'
import { memoryStore } from './memory/index.js'
import { serverStore } from './server.js'
import type { KeeperCallOptions, StoredRecord } from './contract.js'

const SECRET = 'abcdefghijklmnopqrstuvwxyz0123456789'

/** A keeper whose calls never settle (a server that accepts and never answers), recording the signals it got. */
function hungKeeper(hang: { get?: boolean; set?: boolean }) {
  const signals: AbortSignal[] = []
  const records = new Map<string, StoredRecord>()
  const wait = <T>(options: KeeperCallOptions | undefined, value: () => T, hung: boolean | undefined) => {
    if (options?.signal) signals.push(options.signal)
    return hung ? new Promise<T>(() => {}) : Promise.resolve(value())
  }
  return {
    signals,
    keeper: {
      get: (id: string, _now: number, options?: KeeperCallOptions) => wait(options, () => records.get(id), hang.get),
      set: (id: string, record: StoredRecord, _now: number, options?: KeeperCallOptions) =>
        wait(options, () => void records.set(id, record), hang.set),
      delete: async (id: string) => void records.delete(id),
    },
  }
}

describe('store deadlines', () => {
  it('withinDeadline: settles as the call does, or rejects at the deadline and aborts the signal', async () => {
    expect(await withinDeadline(1000, async () => 'ok')).toBe('ok')
    await expect(withinDeadline(1000, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    let seen: AbortSignal | undefined
    const started = Date.now()
    const late = withinDeadline(50, (signal) => {
      seen = signal()
      return new Promise((resolve) => setTimeout(() => resolve('late'), 200))
    })
    await expect(late).rejects.toBeInstanceOf(SessionStoreUnavailableError)
    await expect(late).rejects.toThrow(/did not answer within 50 ms/) // before the call's own answer at 200 ms
    expect(Date.now() - started).toBeLessThan(noHangBound(50))
    expect(seen?.aborted).toBe(true)
    // asked for only after the deadline, the signal is born aborted
    let after: (() => AbortSignal) | undefined
    const never = withinDeadline(20, (signal) => {
      after = signal
      return new Promise(() => {})
    })
    await expect(never).rejects.toBeInstanceOf(SessionStoreUnavailableError)
    expect(after!().aborted).toBe(true)
    expect(after!().reason).toBeInstanceOf(SessionStoreUnavailableError)
  })

  it('makes no AbortSignal for a store that never asks for one (the memory store), and one per call for a store that does', async () => {
    // Counts the AbortControllers made inside engine calls only (undici's `new Request` makes one of its own).
    const Original = globalThis.AbortController
    let counting = false
    let made = 0
    globalThis.AbortController = class extends Original {
      constructor() {
        super()
        if (counting) made++
      }
    }
    const counted = async <T>(work: () => Promise<T>): Promise<T> => {
      counting = true
      try {
        return await work()
      } finally {
        counting = false
      }
    }
    try {
      const engine = createSessions({ secret: SECRET, store: memoryStore() })
      const blank = new Request('http://localhost/')
      const first = await counted(() => engine.load(blank))
      first.set('count', 1)
      const cookie = (await counted(() => engine.save(first)))!.split(';')[0]!
      const withCookie = new Request('http://localhost/', { headers: { cookie } })
      const again = await counted(async () => {
        const session = await engine.load(withCookie)
        await session.get('count')
        return session
      })
      expect(await again.get('count')).toBe(1)
      again.set('count', 2)
      await counted(() => engine.save(again))
      expect(made).toBe(0)

      const { keeper, signals } = hungKeeper({})
      const asking = createSessions({ secret: SECRET, store: serverStore(keeper) })
      const session = await counted(() => asking.load(blank))
      session.set('count', 1)
      await counted(() => asking.save(session))
      expect(signals.length).toBe(1)
      expect(made).toBe(1)
    } finally {
      globalThis.AbortController = Original
    }
  })

  it('a store that never answers a read gives a 503 with Retry-After at the deadline, not a hang and not an empty session', async () => {
    const { keeper, signals } = hungKeeper({ get: true })
    const writes: unknown[] = []
    const handler = withSession(
      async (_request, session) => {
        const count = ((await session.get('count')) as number | undefined) ?? 0
        session.set('count', count + 1)
        writes.push(count)
        return new Response(String(count))
      },
      { secret: SECRET, store: serverStore(keeper), storeTimeout: 100 },
    )
    const signed = await signId('abcdefghijklmnopqrstuvwx', new Keyring([SECRET], 'A256GCM'))
    const started = Date.now()
    const response = await handler(new Request('http://localhost/', { headers: { cookie: `_idx=${signed}` } }))
    const elapsed = Date.now() - started
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBe('5')
    expect(response.headers.get('set-cookie')).toBeNull()
    expect(elapsed).toBeGreaterThanOrEqual(90) // never early
    expect(elapsed).toBeLessThan(noHangBound(100))
    expect(writes).toEqual([]) // the handler never saw an empty session
    expect(signals.length).toBe(1)
    expect(signals[0]!.aborted).toBe(true)
  })

  it('a store that never answers a write gives a 503 at the deadline', async () => {
    const { keeper } = hungKeeper({ set: true })
    const handler = withSession(
      async (_request, session) => {
        session.set('count', 1)
        return new Response('ok')
      },
      { secret: SECRET, store: serverStore(keeper), storeTimeout: 100 },
    )
    const started = Date.now()
    const response = await handler(new Request('http://localhost/'))
    expect(response.status).toBe(503)
    expect(Date.now() - started).toBeLessThan(noHangBound(100))
  })

  it('gives each of several overlapping calls its own deadline, counted from its own start', async () => {
    // On fake timers (and a fake performance.now(), which the deadlines are counted in): exact, whatever the machine's load.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] })
    try {
      const started = performance.now()
      const hang = () => new Promise<never>(() => {})
      const settled: Record<string, number> = {}
      const track = (name: string, call: Promise<unknown>) =>
        void call.then(
          () => (settled[name] = Number.NaN),
          () => (settled[name] = performance.now() - started),
        )
      track('first', withinDeadline(120, hang))
      await vi.advanceTimersByTimeAsync(60)
      track('second', withinDeadline(120, hang))
      expect(await withinDeadline(120, async () => 'quick')).toBe('quick') // settles at once: leaves the others alone
      track('other', withinDeadline(40, hang)) // another length, its own queue
      await vi.advanceTimersByTimeAsync(59)
      expect(settled).toEqual({ other: 100 }) // nothing early
      await vi.advanceTimersByTimeAsync(1000)
      expect(settled).toEqual({ first: 120, second: 180, other: 100 })
    } finally {
      vi.useRealTimers()
    }
  })

  it('shares one timer among the store calls of many requests rather than setting one per call', async () => {
    const engine = createSessions({ secret: SECRET, store: serverStore(hungKeeper({}).keeper), storeTimeout: 1234 })
    const first = await engine.load(new Request('http://localhost/'))
    first.set('count', 0)
    const cookie = (await engine.save(first))!.split(';')[0]!
    const spy = vi.spyOn(globalThis, 'setTimeout')
    try {
      for (let i = 1; i <= 50; i++) {
        const session = engine.open({ header: cookie })
        session.set('count', ((await session.get('count')) as number) + 1)
        await engine.save(session) // a read and a write: two store calls
      }
      expect(spy.mock.calls.length).toBeLessThanOrEqual(2)
    } finally {
      spy.mockRestore()
    }
  })

  it('lets a process exit once its store calls are done, however long the deadline', async () => {
    const entry = fileURLToPath(new URL('../index.ts', import.meta.url))
    const script = `
      const { createSessions, memoryStore } = await import(${JSON.stringify(entry)})
      const engine = createSessions({ secret: ${JSON.stringify(SECRET)}, store: memoryStore(), storeTimeout: 600000 })
      const session = await engine.load(new Request('http://localhost/'))
      session.set('count', 1)
      await engine.save(session)
    `
    const started = Date.now()
    await new Promise<void>((resolve, reject) =>
      execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 60_000 }, (error) =>
        error ? reject(error) : resolve(),
      ),
    )
    expect(Date.now() - started).toBeLessThan(30_000) // not the ten minutes of the deadline
  })

  it('is an option with a default, validated at start-up; other store properties pass through', () => {
    const store = memoryStore()
    const resolved = resolveOptions({ secret: SECRET, store })
    expect((resolved.store as typeof store).size).toBe(0)
    expect(resolved.store).toBe(store) // a local store (a Map in this process) gets no deadline at all
    const ownLocal = serverStore({ local: true, ...hungKeeper({}).keeper })
    expect(resolveOptions({ secret: SECRET, store: ownLocal }).store).toBe(ownLocal)
    const ownRemote = serverStore(hungKeeper({}).keeper)
    expect(resolveOptions({ secret: SECRET, store: ownRemote }).store).not.toBe(ownRemote)
    expect(typeof resolved.store.touch).toBe('function')
    for (const bad of [0, -1, Number.NaN, Infinity, '100']) {
      expect(() => resolveOptions({ secret: SECRET, store, storeTimeout: bad as never }), String(bad)).toThrow(/storeTimeout/)
    }
    expect(resolveOptions({ secret: SECRET }).store.stateless).toBe(true) // the cookie store does no I/O: not wrapped
  })
})
