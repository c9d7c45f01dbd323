/** The request shapes every session benchmark measures, through the real engine. */
import { bench } from 'vitest'
import { createSessions, type SessionStore } from '../src/index.js'

/** The benchmarks' secret. */
export const SECRET = 'abcdefghijklmnopqrstuvwxyz0123456789'

const request = (cookie?: string) => new Request('http://localhost/', cookie ? { headers: { cookie } } : {})

/**
 * An engine on `store` with one session already written, and its cookie.
 *
 * @param store the store (default: the cookie store)
 */
export async function engineWithSession(store?: SessionStore) {
  const engine = createSessions({ secret: SECRET, ...(store ? { store } : {}) })
  const first = await engine.load(request())
  first.set('user', { id: 42, name: 'Ada Lovelace', roles: ['admin', 'editor'] })
  first.set('count', 1)
  const cookie = (await engine.commit(first, new Response())).headers.get('set-cookie')!.split(';')[0]!
  return { engine, cookie }
}

/**
 * Defines the "read only" and "read + write" benchmarks (call it inside a `describe`).
 *
 * @param prepared an engine and the cookie of a session it wrote ({@link engineWithSession})
 */
export function benchRequests({ engine, cookie: first }: Awaited<ReturnType<typeof engineWithSession>>): void {
  let cookie = first
  bench('read only', async () => {
    const session = await engine.load(request(cookie))
    await session.get('count')
    await engine.commit(session, new Response())
  })
  bench('read + write', async () => {
    const session = await engine.load(request(cookie))
    session.set('count', ((await session.get('count')) as number) + 1)
    const response = await engine.commit(session, new Response())
    cookie = response.headers.get('set-cookie')?.split(';')[0] ?? cookie
  })
}

export { request }
