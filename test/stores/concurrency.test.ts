/** Optimistic concurrency as an app sees it through the Hono middleware. */
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { memoryStore, SessionConflictError, sessions, type SessionEnv } from 'seshjs'
import { SECRET } from '../helpers.js'

type Data = { items: string[] }

function app(store: ReturnType<typeof memoryStore>) {
  const app = new Hono<SessionEnv<Data>>()
  app.use(sessions({ secret: SECRET, store }))
  let gate: Promise<void> = Promise.resolve()
  let arrived = 0
  let onArrival = () => {}
  app.post('/add/:item', async (c) => {
    const session = c.get('session')
    const items = (await session.get('items')) ?? []
    arrived++
    onArrival()
    await gate // lets the test hold both requests after their reads
    session.set('items', [...items, c.req.param('item')])
    return c.text('ok')
  })
  app.get('/', async (c) => c.json((await c.get('session').get('items')) ?? []))
  app.onError((error, c) =>
    error instanceof SessionConflictError ? c.text('Conflict: please retry.', 409) : c.text('Internal Server Error', 500),
  )
  return {
    app,
    /** Holds requests at the gate; resolves `waitFor(n)` once n have read their session. */
    hold() {
      let release!: () => void
      gate = new Promise((resolve) => (release = resolve))
      arrived = 0
      return {
        release,
        waitFor: (n: number) =>
          new Promise<void>((resolve) => {
            onArrival = () => arrived >= n && resolve()
            onArrival()
          }),
      }
    },
  }
}

async function twoConcurrentAdds(store: ReturnType<typeof memoryStore>) {
  const { app: server, hold } = app(store)
  const first = await server.request('/add/a', { method: 'POST' })
  const cookie = first.headers.get('set-cookie')!.split(';')[0]!
  const gate = hold()
  const both = Promise.all(['b', 'c'].map((item) => server.request(`/add/${item}`, { method: 'POST', headers: { cookie } })))
  await gate.waitFor(2)
  gate.release()
  const responses = await both
  const items = (await (await server.request('/', { headers: { cookie } })).json()) as string[]
  return { statuses: responses.map((r) => r.status).sort(), items }
}

describe('concurrent requests on one session', () => {
  it('last-write-wins (default): both succeed and one update is lost, as in Architect', async () => {
    const { statuses, items } = await twoConcurrentAdds(memoryStore())
    expect(statuses).toEqual([200, 200])
    expect(items).toHaveLength(2)
  })

  it("optimistic: the loser's error reaches app.onError (here a 409), nothing is lost silently", async () => {
    const { statuses, items } = await twoConcurrentAdds(memoryStore({ concurrency: 'optimistic' }))
    expect(statuses).toEqual([200, 409])
    expect(items).toHaveLength(2)
  })

  it('optimistic with merge: both updates are kept', async () => {
    const merge = (base: Record<string, unknown>, mine: Record<string, unknown>, current: Record<string, unknown>) => {
      const added = (mine.items as string[]).filter((item) => !(base.items as string[]).includes(item))
      return { ...current, items: [...(current.items as string[]), ...added] }
    }
    const { statuses, items } = await twoConcurrentAdds(memoryStore({ merge }))
    expect(statuses).toEqual([200, 200])
    expect(items.sort()).toEqual(['a', 'b', 'c'])
  })
})
