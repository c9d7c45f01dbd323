/**
 * The optional listing calls of the store contract (`RecordKeeper.list`,
 * `count`, `listByUser`), for every server store: sessions are made through
 * the real engine, then found through `store.records`.
 */
import { describe, expect, it } from 'vitest'
import { createSessions, type SessionData, type SessionStore } from 'seshjs'
import type { ListedRecord, RecordKeeper, RecordPage } from 'seshjs/store'
import { CookieJar, manualClock, SECRET } from '../helpers.js'

/** What a store brings to the listing suite. */
export interface ListingHarness {
  /** A fresh store whose per-user lookups on `user` may use an index (`user` then holds strings only). */
  make(): SessionStore
  /** Couples the store's own clock (KV expiry) to the suite's clock. */
  clock?: { now(): number; advance(seconds: number): void }
  /** `false` for stores without conditional writes (KV): a write racing a revoke can bring the session back. */
  conditionalWrites?: boolean
}

const DAY = 24 * 60 * 60

/** Every record of a paged listing, following cursors. */
export async function collect(next: (cursor: string | undefined) => Promise<RecordPage>): Promise<ListedRecord[]> {
  const all: ListedRecord[] = []
  let cursor: string | undefined
  for (let pages = 0; pages < 10_000; pages++) {
    const page = await next(cursor)
    all.push(...page.records)
    cursor = page.cursor
    if (cursor === undefined) return all
  }
  throw new Error('the listing never ended')
}

/**
 * Defines the listing tests for one store.
 *
 * @param name the store's name
 * @param harness how to make it
 */
export function describeListing(name: string, harness: ListingHarness): void {
  describe(`${name} store listings`, () => {
    const setup = () => {
      const clock = harness.clock ?? manualClock()
      const store = harness.make()
      const engine = createSessions({ secret: SECRET, store, now: clock.now, ttl: DAY })
      const keeper = store.records as RecordKeeper
      const now = () => Math.floor(clock.now() / 1000)
      /** Makes a session holding `data` through the engine; returns its id and cookie. */
      const mint = async (data: SessionData) => {
        const session = await engine.load(new Request('http://localhost/'))
        session.replace(data)
        const jar = new CookieJar()
        jar.take(await engine.commit(session, new Response()))
        const cookie = jar.header()
        return { id: decodeURIComponent(jar.cookies.get('_idx')!).split('.')[0]!, cookie }
      }
      const update = async (cookie: string, data: SessionData) => {
        const session = await engine.load(new Request('http://localhost/', { headers: { cookie } }))
        session.replace(data)
        await engine.commit(session, new Response())
      }
      return { clock, keeper, now, mint, update }
    }
    const unique = () => Math.random().toString(36).slice(2, 10)

    it('lists every live session once across pages, with data and expiry, and counts them', async () => {
      const { keeper, now, mint, clock } = setup()
      expect(keeper.list && keeper.count && keeper.listByUser).toBeTypeOf('function')
      const before = await keeper.count!(now())
      const tag = unique()
      const made = []
      for (let i = 0; i < 7; i++) made.push((await mint({ tag, i })).id)
      expect(await keeper.count!(now())).toBe(before + 7)

      const all = await collect((cursor) => keeper.list!({ now: now(), limit: 3, ...(cursor ? { cursor } : {}) }))
      const ids = all.map((record) => record.id)
      expect(new Set(ids).size).toBe(ids.length) // no duplicates across pages
      const mine = all.filter((record) => record.data.tag === tag)
      expect(mine.map((record) => record.id).sort()).toEqual([...made].sort())
      for (const record of mine) {
        expect(record.data).toEqual({ tag, i: made.indexOf(record.id) })
        expect(record.expiresAt).toBe(now() + DAY)
      }

      clock.advance(DAY + 1)
      const later = await collect((cursor) => keeper.list!({ now: now(), ...(cursor ? { cursor } : {}) }))
      expect(later.filter((record) => record.data.tag === tag)).toEqual([])
    })

    it("finds one user's sessions (index or scan), follows a change of user, ignores other values", async () => {
      const { keeper, now, mint, update } = setup()
      const [alice, bob, team] = [`alice-${unique()}`, `bob-${unique()}`, `team-${unique()}`]
      const a1 = await mint({ user: alice })
      const a2 = await mint({ user: alice, n: 1 })
      const b1 = await mint({ user: bob })
      const t1 = await mint({ team })
      const t2 = await mint({ team: 42 })
      await mint({ team: { id: team } }) // an object is never a user id
      const byUser = async (key: string, id: string) =>
        (await collect((cursor) => keeper.listByUser!(key, id, { now: now(), limit: 25, ...(cursor ? { cursor } : {}) })))
          .map((record) => record.id)
          .sort()

      expect(await byUser('user', alice)).toEqual([a1.id, a2.id].sort())
      expect(await byUser('user', bob)).toEqual([b1.id])
      expect(await byUser('team', team)).toEqual([t1.id])
      expect(await byUser('team', '42')).toEqual([t2.id])
      expect(await byUser('user', `nobody-${unique()}`)).toEqual([])

      await update(a2.cookie, { user: bob, n: 2 })
      expect(await byUser('user', alice)).toEqual([a1.id])
      expect(await byUser('user', bob)).toEqual([a2.id, b1.id].sort())
      const [record] = (await keeper.listByUser!('user', alice, { now: now() })).records
      expect(record?.data).toEqual({ user: alice })
    })
  })
}
