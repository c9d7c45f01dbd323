import { describe, expect, it } from 'vitest'
import { CookieJar, SECRET, unavailableStore } from '../../test/helpers.js'
import { memoryStore } from '../stores/memory/index.js'
import { withSession } from './with-session.js'

type Data = { count: number }

const counter = withSession<Data, [{ label: string }]>(
  async (request, session, env) => {
    const count = ((await session.get('count')) ?? 0) + (request.method === 'POST' ? 1 : 0)
    session.set('count', count)
    return new Response(`${env.label}:${count}`)
  },
  { secret: SECRET },
)

async function send(jar: CookieJar, method = 'GET') {
  const response = await counter(new Request('http://localhost/', { method, headers: jar.cookies.size ? { cookie: jar.header() } : {} }), {
    label: 'n',
  })
  jar.take(response)
  return response
}

describe('withSession()', () => {
  it('hands the handler the session and the extra arguments, and commits what it returns', async () => {
    const jar = new CookieJar()
    await send(jar, 'POST')
    await send(jar, 'POST')
    const response = await send(jar)
    expect(await response.text()).toBe('n:2')
    expect(response.headers.get('set-cookie')).toBeNull() // unchanged: not re-sent
  })

  it("answers a store outage with a 503 (or the app's response), writing nothing", async () => {
    const down = unavailableStore('down')
    const handler = async (_: Request, session: { get(k: string): Promise<unknown> }) => new Response(String(await session.get('n')))
    const request = () => new Request('http://localhost/', { headers: { cookie: '_idx=abc.def' } })
    const plain = await withSession(handler, { secret: SECRET, store: down })(request())
    expect(plain.status).toBe(503)
    expect(await plain.text()).not.toMatch(/ECONNREFUSED|down/)
    const custom = await withSession(handler, { secret: SECRET, store: down, onStoreError: () => new Response('later', { status: 502 }) })(
      request(),
    )
    expect(custom.status).toBe(502)
    expect(down.write).not.toHaveBeenCalled()
  })

  it('lets other errors through, without writing the half-made session', async () => {
    const store = memoryStore()
    const failing = withSession(
      async (_request, session) => {
        session.set('n', 1)
        throw new Error('boom')
      },
      { secret: SECRET, store },
    )
    await expect(failing(new Request('http://localhost/'))).rejects.toThrow('boom')
    expect(store.size).toBe(0)
  })

  it('refuses a handler that is not a function', () => {
    expect(() => withSession('nope' as never)).toThrow(TypeError)
  })
})
