/**
 * The environment by default, inside real workerd (Miniflare): with no options,
 * `sessions()` and `withSession()` read the Worker's bindings, which arrive with
 * each request (there is no process environment to read at start-up).
 */
import { Miniflare } from 'miniflare'
import { afterAll, describe, expect, it } from 'vitest'
import { createSessions } from 'seshjs'
import { bundleWorker } from '../workerd.js'

const STRONG = 'Kq7vN2xP9mR4tW8yB3cF6hJ1lZ5sD0gE+aU/iO=='

const workers: Miniflare[] = []
afterAll(async () => {
  await Promise.all(workers.map((mf) => mf.dispose()))
})

async function worker(bindings: Record<string, string>): Promise<Miniflare> {
  const script = await bundleWorker(new URL('./fixtures/env-worker.ts', import.meta.url))
  const mf = new Miniflare({ modules: true, script, compatibilityDate: '2025-01-01', bindings })
  workers.push(mf)
  await mf.ready
  return mf
}

async function userIn(setCookie: string, secret?: string): Promise<string | undefined> {
  const value = decodeURIComponent(setCookie.split(';')[0]!.split('=').slice(1).join('='))
  return createSessions<{ user: string }>({ env: {}, onWarning() {}, ...(secret ? { secret } : {}) })
    .open(value)
    .get('user')
}

describe("a Worker's bindings, read with each request", () => {
  it('production bindings with ARC_APP_SECRET: sealed with it, Secure, no development-key warning (sessions() and withSession())', async () => {
    const mf = await worker({ ARC_ENV: 'production', ARC_APP_SECRET: STRONG })
    for (const path of ['/hono/login', '/login']) {
      const response = await mf.dispatchFetch(`http://localhost${path}`, { method: 'POST' })
      expect(response.status, path).toBe(200)
      await response.text()
      const [cookie] = response.headers.getSetCookie()
      expect(cookie, path).toMatch(/; Secure/)
      expect(await userIn(cookie!, STRONG), path).toBe('ada')
      expect(await userIn(cookie!), path).toBeUndefined()
      // and the next request of the same Worker reads it back
      const again = await mf.dispatchFetch(`http://localhost${path.replace('login', 'user')}`, {
        headers: { cookie: cookie!.split(';')[0]! },
      })
      expect(await again.text(), path).toBe('ada')
    }
    const warnings = (await (await mf.dispatchFetch('http://localhost/warnings')).json()) as string[]
    expect(warnings.filter((w) => /development key/.test(w))).toEqual([])
  })

  it('production bindings without a secret: no cookie sealed with the public key', async () => {
    const mf = await worker({ ARC_ENV: 'production' })
    for (const path of ['/hono/login', '/login']) {
      const response = await mf.dispatchFetch(`http://localhost${path}`, { method: 'POST' })
      expect(await response.text(), path).toBe('SessionSecretError')
      expect(response.status, path).toBe(500)
      expect(response.headers.getSetCookie(), path).toEqual([])
    }
  })

  it('development bindings: the development key, and the warning names the bindings', async () => {
    const mf = await worker({ ARC_ENV: 'testing' })
    const response = await mf.dispatchFetch('http://localhost/hono/login', { method: 'POST' })
    await response.text()
    expect(await userIn(response.headers.getSetCookie()[0]!)).toBe('ada')
    const warnings = (await (await mf.dispatchFetch('http://localhost/warnings')).json()) as string[]
    expect(warnings).toEqual([expect.stringMatching(/public development key \(read: the Worker's bindings \(c\.env\); no secret option\)/)])
  })
})
