/**
 * Wire vectors: tokens made exactly as @architect/functions 8 makes them are
 * read by sesh, and sesh's tokens open under Architect's key derivation — with
 * jose directly, and with the real @architect/functions package.
 */
import { createRequire } from 'node:module'
import { compactDecrypt, EncryptJWT } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { createSessions } from 'seshjs'
import { SECRET } from './helpers.js'

const require = createRequire(import.meta.url)
type Arc = { http: { session: { read(req: unknown): Promise<Record<string, unknown>>; write(data: unknown): Promise<string> } } }

const architectKey = (secret: string, n: number) => new Uint8Array(Buffer.from(secret.substring(0, n), 'utf8').subarray(0, n))
const request = (cookie: string) => new Request('http://localhost/', { headers: { cookie } })

describe('Architect wire vectors (jose)', () => {
  for (const [enc, n] of [
    ['A256GCM', 32],
    ['A192GCM', 24],
    ['A128GCM', 16],
  ] as const) {
    it(`reads a ${enc} token made as Architect makes it, and writes one Architect's key opens`, async () => {
      const key = architectKey(SECRET, n)
      const token = await new EncryptJWT({ user: 'grace', cart: [1, 2] }).setProtectedHeader({ alg: 'dir', enc }).setIssuedAt().encrypt(key)
      const engine = createSessions({ secret: SECRET, algorithm: enc })
      const session = await engine.load(request(`_idx=${token}`))
      expect(await session.all()).toEqual({ user: 'grace', cart: [1, 2] })

      session.set('user', 'ada')
      const cookie = (await engine.commit(session, new Response())).headers.get('set-cookie')!
      const written = decodeURIComponent(cookie.split(';')[0]!.slice('_idx='.length))
      const { plaintext, protectedHeader } = await compactDecrypt(written, key)
      expect(protectedHeader).toEqual({ alg: 'dir', enc })
      const payload = JSON.parse(new TextDecoder().decode(plaintext))
      expect(payload).toMatchObject({ user: 'ada', cart: [1, 2] })
      expect(Math.abs(payload.iat - Date.now() / 1000)).toBeLessThan(60)
    })
  }
})

describe('Architect wire vectors (the real @architect/functions 8)', () => {
  let arc: Arc
  beforeAll(() => {
    process.env.ARC_SESSION_TABLE_NAME = 'jwe'
    process.env.ARC_APP_SECRET = SECRET
    process.env.ARC_ENV = 'testing'
    arc = require('@architect/functions') as Arc
  })

  it('reads the cookie @architect/functions writes', async () => {
    const setCookie = await arc.http.session.write({ count: 7, user: { name: 'Ada' } })
    const engine = createSessions({ env: process.env })
    const session = await engine.load(request(setCookie.split(';')[0]!))
    expect(await session.all()).toEqual({ count: 7, user: { name: 'Ada' } })
  })

  it('writes a cookie @architect/functions reads', async () => {
    const engine = createSessions({ env: process.env })
    const session = await engine.load(new Request('http://localhost/'))
    session.set('count', 3)
    const cookie = (await engine.commit(session, new Response())).headers.get('set-cookie')!
    const read = await arc.http.session.read({ headers: { cookie: cookie.split(';')[0] } })
    expect(read).toMatchObject({ count: 3 })
    expect(typeof read.iat).toBe('number')
  })
})
