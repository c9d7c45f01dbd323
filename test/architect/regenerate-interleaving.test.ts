/**
 * seshjs/architect around an out-of-band revoke and a login in flight, on the
 * memory store and on DynamoDB (dynalite): a handler that read a session
 * before it was revoked and then returns `regenerate(...)` (or calls
 * `session.write()`) never logs the revoked user back in, and a response of
 * the same visitor in flight when a login's `regenerate()` lands sends no
 * cookie that would replace or expire the new one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSessions, memoryStore, type SessionStore } from 'seshjs'
import { createAdmin } from 'seshjs/admin'
import { createArchitect, regenerate, type ArcEvent, type ArcRequest, type ArcResult } from 'seshjs/architect'
import { createSessionTable, dynamoStore } from 'seshjs/dynamodb'
import { SECRET } from '../helpers.js'
import { startDynalite, type Dynalite } from '../stores/dynalite.js'

const TABLE = 'regenerate-interleaving'
let db: Dynalite

beforeAll(async () => {
  db = await startDynalite()
  await createSessionTable({ table: TABLE, client: db.client })
})

afterAll(async () => {
  await db?.close()
})

const event = (cookie?: string): ArcEvent => ({
  version: '2.0',
  routeKey: 'POST /login',
  rawPath: '/login',
  headers: {},
  requestContext: { http: { method: 'POST' } },
  ...(cookie ? { cookies: [cookie] } : {}),
})
const cookiesOf = (result: ArcResult) => ((result as { cookies?: string[] }).cookies ?? []).filter((c) => c.startsWith('_idx='))
const pair = (setCookie: string) => setCookie.split(';')[0]!
const unique = () => Math.random().toString(36).slice(2, 10)

const stores: Record<string, () => SessionStore> = {
  memory: () => memoryStore(),
  'DynamoDB (dynalite)': () => dynamoStore({ table: TABLE, client: db.client }),
}

for (const [name, make] of Object.entries(stores)) {
  describe(`seshjs/architect on ${name}: regenerate() against a revoke and a request in flight`, () => {
    const setup = () => {
      const store = make()
      const env = { ARC_APP_SECRET: SECRET, ARC_SESSION_TABLE_NAME: TABLE }
      const arc = createArchitect({ env, store })
      const admin = createAdmin(createSessions({ secret: SECRET, store }))
      const login = async (data: Record<string, unknown>) => {
        const cookie = pair(await arc.session.write(data))
        return { cookie, id: decodeURIComponent(cookie.slice('_idx='.length)).split('.')[0]! }
      }
      return { arc, admin, login }
    }

    it('a handler that read the session before a revoke and returns regenerate(): the cookie is expired, no session is live', async () => {
      const { arc, admin, login } = setup()
      const user = `ada-${unique()}`
      const { cookie, id } = await login({ user })
      const handler = arc.http(async (req: ArcRequest) => {
        await admin.revoke(id) // out of band, while this request runs
        return { session: regenerate({ ...req.session, role: 'admin' }), location: '/account' }
      })
      const result = await handler(event(cookie), {}, () => {})
      const sent = cookiesOf(result)
      expect(sent).toHaveLength(1)
      expect(sent[0]).toMatch(/^_idx=; Max-Age=0;/)
      expect((await admin.list({ user })).sessions).toEqual([])
    })

    it('session.write(regenerate(data)) of a session revoked since it was read makes no session', async () => {
      const { arc, admin, login } = setup()
      const user = `ada-${unique()}`
      const { cookie, id } = await login({ user })
      const data = await arc.session.read(event(cookie))
      expect(data.user).toBe(user)
      expect(await admin.revokeUser(user)).toBe(1)
      expect(id).toBe(data._idx)
      const written = await arc.session.write(regenerate({ ...data, role: 'admin' }))
      expect(written).toMatch(/^_idx=; Max-Age=0;/)
      expect(await arc.session.write({ ...data, role: 'admin' })).toMatch(/^_idx=; Max-Age=0;/) // nor without regenerate()
      expect((await admin.list({ user })).sessions).toEqual([])
    })

    it("a response in flight when a login's regenerate() lands carries no session cookie", async () => {
      const { arc, admin, login } = setup()
      const { cookie } = await login({ cart: ['book'] })
      let release!: () => void
      const gate = new Promise<void>((resolve) => (release = resolve))
      let entered!: () => void
      const inHandler = new Promise<void>((resolve) => (entered = resolve))
      const slow = arc.http(async (req: ArcRequest) => {
        entered()
        await gate
        return { session: { ...req.session, cart: ['book', 'pen'] }, json: { ok: true } }
      })
      const loginHandler = arc.http(async (req: ArcRequest) => ({
        session: regenerate({ ...req.session, user: 'ada' }),
        location: '/account',
      }))

      const late = slow(event(cookie), {}, () => {}) // sent first, still running
      await inHandler
      const loggedIn = cookiesOf(await loginHandler(event(cookie), {}, () => {}))
      expect(loggedIn).toHaveLength(1)
      expect(loggedIn[0]).toMatch(/^_idx=[^;]+\./)
      release()
      expect(cookiesOf(await late)).toEqual([]) // neither an expiry nor the new id
      const newId = decodeURIComponent(pair(loggedIn[0]!).slice('_idx='.length)).split('.')[0]!
      expect((await admin.get(newId))?.data).toEqual({ cart: ['book'], user: 'ada' })
      // session.write() of data read with the old id after the move: no cookie either
      expect(await arc.session.write({ ...(await arc.session.read(event(cookie))), theme: 'dark' })).toBe('')
    })
  })
}
