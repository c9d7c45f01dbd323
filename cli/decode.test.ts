/**
 * `seshjs decode` reads its secret and production mode from the environment it
 * is given, through the same resolver as the app: a production environment with
 * no ARC_APP_SECRET opens nothing, not even a cookie sealed with the public
 * development key.
 */
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { type SessionEnv, sessions } from '../src/index.js'
import type { Io } from './io.js'
import { run } from './run.js'

const STRONG = 'Kq7vN2xP9mR4tW8yB3cF6hJ1lZ5sD0gE+aU/iO=='
const PRODUCTION = { NODE_ENV: 'production', ARC_ENV: 'production' }

function io(env: Record<string, string>) {
  const out: string[] = []
  const err: string[] = []
  const value: Io = { env, out: (t) => void out.push(t), err: (t) => void err.push(t), interactive: false }
  return { io: value, out, err }
}

/** The `_idx` value an app with `sessions({ env })` sets on login. */
async function cookieOf(env: Record<string, string>): Promise<string> {
  const app = new Hono<SessionEnv<{ user: string }>>()
  app.use(sessions({ env, onWarning() {}, cookie: { hostPrefix: false } }))
  app.post('/', (c) => (c.get('session').set('user', 'ada'), c.text('ok')))
  const response = await app.request('/', { method: 'POST' })
  return response.headers.get('set-cookie')!.split(';')[0]!.slice('_idx='.length)
}

describe('seshjs decode and the environment', () => {
  it('opens a production cookie with the ARC_APP_SECRET of its environment', async () => {
    const cookie = await cookieOf({ ...PRODUCTION, ARC_APP_SECRET: STRONG })
    const run1 = io({ ...PRODUCTION, ARC_APP_SECRET: STRONG })
    expect(await run(['decode', cookie, '--json'], run1.io)).toBe(0)
    expect(JSON.parse(run1.out.join(''))).toMatchObject({ kind: 'jwe', data: { user: 'ada' } })
    expect(run1.err.join('')).not.toMatch(/development key/)
  })

  it('in production without ARC_APP_SECRET, opens nothing (not even a development-key cookie) and says why', async () => {
    const developmentCookie = await cookieOf({ NODE_ENV: 'development' })
    const run1 = io(PRODUCTION)
    expect(await run(['decode', developmentCookie], run1.io)).toBe(1)
    expect(run1.out).toEqual([])
    expect(run1.err.join('')).toMatch(/seshjs decode: No session secret is set .*ARC_APP_SECRET.*production needs one/)
  })
})
