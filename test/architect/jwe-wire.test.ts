/**
 * JWE wire compatibility, both directions, with the real @architect/functions 8
 * and the same ARC_* environment: A256GCM, A192GCM, A128GCM and the legacy
 * (ARC_FORCE_LEGACY_JWE_SECRET) key scheme, through `http()` and through
 * `session.read` / `session.write`.
 */
import { compactDecrypt } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { createArchitect, type ArcRequest } from 'seshjs/architect'
import { SECRET } from '../helpers.js'
import { loadArc, setEnv, type RealArc } from './arc.js'
import { v1, v2 } from './events.js'
import { arcKey, attributes, decryptCookie, type Enc } from './normalise.js'

let arc: RealArc
beforeAll(() => {
  setEnv({ ARC_SESSION_TABLE_NAME: 'jwe' })
  arc = loadArc()
})

const LEGACY_SECRET = Buffer.from('0123456789abcdef0123456789abcdef').toString('base64') // 44 chars, 32 bytes
const modes: { name: string; env: Record<string, string>; enc: Enc; key: Uint8Array }[] = [
  { name: 'A256GCM, development secret', env: {}, enc: 'A256GCM', key: arcKey('12345678901234567890123456789012') },
  { name: 'A256GCM, 36-character secret', env: { ARC_APP_SECRET: SECRET }, enc: 'A256GCM', key: arcKey(SECRET) },
  {
    name: 'A256GCM, non-ASCII secret',
    env: { ARC_APP_SECRET: 'clé-secrète-très-longue-0123456789abcdef' },
    enc: 'A256GCM',
    key: arcKey('clé-secrète-très-longue-0123456789abcdef'),
  },
  { name: 'A192GCM', env: { ARC_APP_SECRET: SECRET, ARC_APP_SECRET_ALGO: 'A192GCM' }, enc: 'A192GCM', key: arcKey(SECRET, 'A192GCM') },
  { name: 'A128GCM', env: { ARC_APP_SECRET: SECRET, ARC_APP_SECRET_ALGO: 'A128GCM' }, enc: 'A128GCM', key: arcKey(SECRET, 'A128GCM') },
  {
    name: 'legacy key scheme',
    env: { ARC_APP_SECRET: LEGACY_SECRET, ARC_FORCE_LEGACY_JWE_SECRET: 'true', ARC_APP_SECRET_ALGO: 'A256GCM' },
    enc: 'A128GCM',
    key: arcKey(LEGACY_SECRET, 'A128GCM', true),
  },
  {
    name: 'legacy key scheme, development secret',
    env: { ARC_FORCE_LEGACY_JWE_SECRET: 'true' },
    enc: 'A128GCM',
    key: arcKey(Buffer.from('1234567890123456').toString('base64'), 'A128GCM', true),
  },
]

const pair = (setCookie: string) => setCookie.split(';')[0]!

describe.each(modes)('$name', ({ env, enc, key }) => {
  const fullEnv = { ARC_SESSION_TABLE_NAME: 'jwe', ARC_ENV: 'testing', ...env }
  const sesh = createArchitect({ env: fullEnv, onWarning: () => {} })

  it('Architect → sesh: http() reads the cookie arc.http.session.write made (data and iat)', async () => {
    setEnv(fullEnv)
    const cookie = await arc.http.session.write({ user: 'ada', nested: { list: [1, 'two', null] } })
    const iat = (await decryptCookie(cookie, key)).iat
    const result = await sesh.http(async (req: ArcRequest) => ({ json: req.session }))(v2({ cookie: pair(cookie) }))
    expect(JSON.parse(result.body)).toEqual({ user: 'ada', nested: { list: [1, 'two', null] }, iat })
  })

  it('sesh → Architect: arc.http.session.read opens the cookie http() wrote', async () => {
    const result = await sesh.http(async () => ({ session: { user: 'grace', n: 3 }, location: '/' }))(v1())
    const setCookie = result.headers['set-cookie']!
    const { protectedHeader } = await compactDecrypt(decodeURIComponent(pair(setCookie).slice(5)), key)
    expect(protectedHeader).toEqual({ alg: 'dir', enc })
    setEnv(fullEnv)
    expect(await arc.http.session.read({ headers: { cookie: pair(setCookie) } })).toEqual({ user: 'grace', n: 3, iat: expect.any(Number) })
  })

  it('session.read / session.write agree with arc.http.session both ways', async () => {
    const written = await sesh.session.write({ a: 1 })
    setEnv(fullEnv)
    const byArc = await arc.http.session.read({ cookies: [pair(written)] })
    expect(byArc).toEqual({ a: 1, iat: expect.any(Number) })
    const arcWritten = await arc.http.session.write({ b: 2 })
    expect(await sesh.session.read({ headers: { Cookie: pair(arcWritten) } })).toEqual({ b: 2, iat: expect.any(Number) })
  })

  it('the cookie attributes match (besides the lifetime: see intended differences)', async () => {
    const seshCookie = await sesh.session.write({ a: 1 })
    setEnv(fullEnv)
    expect(attributes(seshCookie)).toEqual(attributes(await arc.http.session.write({ a: 1 })))
  })
})

describe('cookie attributes from the environment', () => {
  it.each<Record<string, string>>([
    { ARC_SESSION_SAME_SITE: 'strict', ARC_SESSION_DOMAIN: 'example.com' },
    { ARC_SESSION_SAME_SITE: 'none' },
    { ARC_ENV: 'production', ARC_APP_SECRET: SECRET },
    { ARC_ENV: 'staging', ARC_APP_SECRET: SECRET, ARC_SESSION_TTL: '3600' },
  ])('%o', async (extra) => {
    const env: Record<string, string> = { ARC_SESSION_TABLE_NAME: 'jwe', ARC_ENV: 'testing', ...extra }
    const sesh = createArchitect({ env, onWarning: () => {} })
    const seshCookie = await sesh.session.write({ a: 1 })
    setEnv(env)
    const arcCookie = await arc.http.session.write({ a: 1 })
    if (extra.ARC_SESSION_SAME_SITE === 'none') {
      // Architect sends SameSite=None without Secure under testing, which browsers reject; sesh adds Secure.
      expect(attributes(seshCookie)).toEqual([...attributes(arcCookie), 'secure'].sort())
    } else {
      expect(attributes(seshCookie)).toEqual(attributes(arcCookie))
    }
    if (extra.ARC_SESSION_TTL) expect(seshCookie).toContain('Max-Age=3600')
    setEnv({ ARC_SESSION_TABLE_NAME: 'jwe', ARC_ENV: 'testing' })
  })
})
