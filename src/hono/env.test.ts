/**
 * Where `sessions()` reads its settings when no `env` is given: the process's
 * environment once, at construction (Node, Bun, Deno, Lambda); a Worker's
 * bindings with each request, one engine per bindings object.
 */
import { Hono } from 'hono'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type SessionEnv, sessions } from './middleware.js'

const SECRET = 'abcdefghijklmnopqrstuvwxyz0123456789'

afterEach(() => {
  vi.unstubAllGlobals()
})

function appWith(middleware: ReturnType<typeof sessions<{ n: number }>>) {
  const app = new Hono<SessionEnv<{ n: number }>>()
  app.use(middleware)
  app.post('/', (c) => {
    c.get('session').set('n', 1)
    return c.text('ok')
  })
  return app
}

describe('sessions() without an env option', () => {
  it('on Node: resolves once, at construction, from process.env (request bindings are not settings)', async () => {
    const onWarning = vi.fn()
    const app = appWith(sessions({ onWarning }))
    expect(onWarning).toHaveBeenCalledTimes(1) // built before any request
    expect(onWarning.mock.calls[0]![0]).toMatch(/\(read: process\.env;/)
    for (let i = 0; i < 3; i++) {
      const response = await app.request('/', { method: 'POST' }, { ARC_APP_SECRET: SECRET, ARC_ENV: 'production' })
      expect(response.headers.get('set-cookie')).not.toMatch(/Secure/)
    }
    expect(onWarning).toHaveBeenCalledTimes(1)
  })

  it("on Workers: reads each request's bindings, building one engine per bindings object", async () => {
    vi.stubGlobal('navigator', { userAgent: 'Cloudflare-Workers' })
    const onWarning = vi.fn()
    const app = appWith(sessions({ onWarning }))
    expect(onWarning).not.toHaveBeenCalled() // nothing to read before the first request
    const production = { ARC_APP_SECRET: SECRET, ARC_ENV: 'production' }
    for (let i = 0; i < 3; i++) {
      const response = await app.request('/', { method: 'POST' }, production)
      expect(response.headers.get('set-cookie')).toMatch(/; Secure/)
    }
    const development = { ARC_ENV: 'testing' }
    for (let i = 0; i < 2; i++) expect((await app.request('/', { method: 'POST' }, development)).status).toBe(200)
    expect(onWarning.mock.calls.filter(([m]) => /development key/.test(m as string))).toHaveLength(1) // once: one engine for those bindings
    expect(onWarning.mock.calls.find(([m]) => /development key/.test(m as string))![0]).toMatch(/\(read: the Worker's bindings \(c\.env\);/)
    // bindings without a secret in production: refused, never the public key
    const refusing = appWith(sessions({ onWarning }))
    let thrown: unknown
    refusing.onError((error) => ((thrown = error), new Response(null, { status: 500 })))
    expect((await refusing.request('/', { method: 'POST' }, { ARC_ENV: 'production' })).headers.get('set-cookie')).toBeNull()
    expect(thrown).toMatchObject({ name: 'SessionSecretError', code: 'ERR_SESSION_SECRET' })
  })

  it('an explicit env is resolved once, at construction, on Workers too', () => {
    vi.stubGlobal('navigator', { userAgent: 'Cloudflare-Workers' })
    const onWarning = vi.fn()
    appWith(sessions({ env: {}, onWarning }))
    expect(onWarning.mock.calls[0]![0]).toMatch(/\(read: the env option;/)
  })
})
