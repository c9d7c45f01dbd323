/**
 * CSRF tokens come from the one resolved configuration: the configured
 * secret(s) sign them (the newest signs, all verify); Architect's
 * `ARC_APP_NAME` / `'fallback'` secret is used only where Architect uses it,
 * with no secret set outside production. sesh's tokens are domain-separated
 * from the id signatures in the `_idx` cookie; Architect's format still
 * verifies, except over a session id.
 */
import { createHmac, hkdfSync } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memoryStore } from 'seshjs'
import { createArchitect } from 'seshjs/architect'
import { loadArc, setEnv, type RealArc } from './arc.js'

const STRONG = 'k3Jd8s0QzV1xP7wL2mN9bR4tY6uA5cE0fG8hJ1iK' // 40 characters
const OLDER = 'an-older-secret-still-trusted-0123456789'
const hmac = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest('hex')
/** An Architect-format token, as `arc.http.csrf.create(data, ts)` makes it. */
const forge = (secret: string, data = 'attacker', ts = Date.now() + 60_000) => `${data}.${ts}.${hmac(secret, data)}`
/** A sesh-format unbound token made with `secret`, as csrf.ts derives its key. */
const ours = (secret: string, ts = Date.now() + 60_000, nonce = '0'.repeat(32)) => {
  const key = Buffer.from(hkdfSync('sha256', secret, 'seshjs', 'seshjs/architect csrf token v1', 32))
  return `u1.${nonce}.${ts}.${createHmac('sha256', key).update(`u1.${nonce}.${ts}`).digest('hex')}`
}
const saved = { ...process.env }
let arc: RealArc

beforeAll(() => {
  setEnv({ ARC_SESSION_TABLE_NAME: 'jwe', ARC_ENV: 'testing' })
  arc = loadArc()
})
afterAll(() => {
  process.env = saved
})

describe('with a configured secret', () => {
  // an Architect app in production keeps its _idx cookie, decided: no cookie-tossing warning
  const cookie = { hostPrefix: false }
  const production = createArchitect({ secret: STRONG, cookie, env: { ARC_ENV: 'production', ARC_APP_NAME: 'shop' } })

  it('tokens are signed with it, so they cannot be forged with "fallback" or ARC_APP_NAME', () => {
    const token = production.csrf.create()
    expect(token).toMatch(/^u1\.[0-9a-f]{32}\.\d+\.[0-9a-f]{64}$/)
    expect(production.csrf.verify(token)).toBe(true)
    for (const guess of ['fallback', 'shop']) {
      expect(production.csrf.verify(forge(guess))).toBe(false)
      expect(production.csrf.verify(ours(guess))).toBe(false)
    }
    expect(production.csrf.verify(ours(STRONG))).toBe(true) // the check does check
    expect(production.csrf.verify(forge(STRONG))).toBe(true) // Architect's format, for compatibility
  })

  it('rotation: the newest signs, every secret verifies', () => {
    const rotated = createArchitect({ secrets: [STRONG, OLDER], cookie, env: { ARC_ENV: 'production' } })
    const alone = createArchitect({ secret: STRONG, cookie, env: { ARC_ENV: 'production' } })
    expect(alone.csrf.verify(rotated.csrf.create())).toBe(true)
    expect(rotated.csrf.verify(ours(OLDER))).toBe(true)
    expect(rotated.csrf.verify(forge(OLDER))).toBe(true)
    expect(rotated.csrf.verify(ours('fallback'))).toBe(false)
  })

  it("ARC_APP_SECRET from the environment, as Architect: Architect's tokens verify in sesh", () => {
    setEnv({ ARC_SESSION_TABLE_NAME: 'jwe', ARC_ENV: 'testing', ARC_APP_SECRET: STRONG })
    const sesh = createArchitect()
    expect(sesh.csrf.verify(arc.http.csrf.create())).toBe(true)
    expect(sesh.csrf.verify(arc.http.csrf.create('visitor-a'), 'visitor-a')).toBe(true)
    expect(sesh.csrf.verify(arc.http.csrf.create('visitor-b'), 'visitor-a')).toBe(false)
    expect(sesh.csrf.verify(ours(STRONG))).toBe(true)
    expect(sesh.csrf.verify(forge('fallback'))).toBe(false)
    // sesh's own tokens are not Architect's (documented in docs/architect.md): domain-separated
    expect(arc.http.csrf.verify(sesh.csrf.create())).toBe(false)
  })
})

describe("without a secret, outside production: Architect's fallback, as Architect", () => {
  it.each([
    ['ARC_APP_NAME', { ARC_APP_NAME: 'shop' }, 'shop'],
    ["'fallback'", {}, 'fallback'],
  ] as const)('%s signs', (_name, extra, secret) => {
    setEnv({ ARC_SESSION_TABLE_NAME: 'jwe', ARC_ENV: 'testing', ...extra })
    const warnings: string[] = []
    const sesh = createArchitect({ onWarning: (message) => warnings.push(message) })
    expect(sesh.csrf.verify(arc.http.csrf.create())).toBe(true)
    expect(sesh.csrf.verify(ours(secret))).toBe(true)
    expect(sesh.csrf.verify(forge(secret))).toBe(true)
    expect(warnings).toEqual([expect.stringMatching(/no ARC_APP_SECRET is set, so sessions use the public development key/)])
  })
})

it('a token can be bound to a visitor: verify(token, data) wants that data, and the token does not carry it', () => {
  const sesh = createArchitect({ secret: STRONG })
  const mine = sesh.csrf.create('visitor-a')
  expect(mine).toMatch(/^b1\./)
  expect(mine).not.toContain('visitor-a')
  expect(sesh.csrf.verify(mine, 'visitor-a')).toBe(true)
  expect(sesh.csrf.verify(sesh.csrf.create('visitor-b'), 'visitor-a')).toBe(false)
  expect(sesh.csrf.verify(mine, 'visitor-ab')).toBe(false)
  expect(sesh.csrf.verify(sesh.csrf.create(42), 42)).toBe(true)
  expect(() => sesh.csrf.create('')).toThrow(TypeError)
  expect(() => sesh.csrf.create({} as never)).toThrow(TypeError)
})

it('a missing bound value fails closed: verify(token, undefined) is not verify(token)', () => {
  const sesh = createArchitect({ secret: STRONG })
  const bound = sesh.csrf.create('visitor-a')
  const unbound = sesh.csrf.create()
  const architects = forge(STRONG, 'visitor-a')
  for (const missing of [undefined, null, '']) {
    // e.g. csrf.verify(req.body.csrf, req.session.formKey) for a visitor whose session has no formKey
    for (const token of [bound, unbound, architects]) expect(sesh.csrf.verify(token, missing as never)).toBe(false)
  }
  expect(sesh.csrf.verify(bound)).toBe(false) // a bound token needs its value
  expect(sesh.csrf.verify(unbound)).toBe(true) // no binding asked
  expect(sesh.csrf.verify(unbound, 'visitor-a')).toBe(false) // a binding asked: an unbound token is not bound to it
  expect(sesh.csrf.verify(architects, 'visitor-a')).toBe(true)
})

it('the expiry of a sesh token is signed; tampered and malformed tokens are refused', () => {
  let now = 1_000_000
  const sesh = createArchitect({ secret: STRONG, now: () => now })
  const token = sesh.csrf.create('v')
  const [kind, nonce, ts, mac] = token.split('.')
  expect(Number(ts)).toBe(1_000_000 + 300_000)
  expect(sesh.csrf.verify(`${kind}.${nonce}.${Number(ts) + 1}.${mac}`, 'v')).toBe(false)
  expect(sesh.csrf.verify(`u1.${nonce}.${ts}.${mac}`)).toBe(false) // a bound token passed off as unbound
  expect(sesh.csrf.verify(`${kind}.${nonce}.${ts}.${mac!.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))}`, 'v')).toBe(false)
  for (const bad of [undefined, 42, '', 'a.b', 'a.b.c.d', 'x'.repeat(5000), `${token}.extra`])
    expect(sesh.csrf.verify(bad, 'v')).toBe(false)
  now += 300_001
  expect(sesh.csrf.verify(token, 'v')).toBe(false)
})

describe("no token is ever a session id's signature (DynamoDB sessions sign _idx with the same secret)", () => {
  const setup = async () => {
    const sesh = createArchitect({ secret: STRONG, store: memoryStore(), env: { ARC_ENV: 'testing' } })
    const setCookie = await sesh.session.write({ user: 'ada' })
    const value = decodeURIComponent(setCookie.split(';')[0]!.slice('_idx='.length))
    const [id, signature] = value.split('.') as [string, string]
    expect((await sesh.session.read({ headers: { cookie: `_idx=${value}` } }))._idx).toBe(id)
    return { sesh, id, signature }
  }

  it('a token bound to the session id shows neither the id nor its signature', async () => {
    const { sesh, id, signature } = await setup()
    const token = sesh.csrf.create(id) // csrf.create(req.session._idx)
    const hex = Buffer.from(signature, 'base64').toString('hex')
    expect(token).not.toContain(id)
    expect(token).not.toContain(hex)
    expect(sesh.csrf.verify(token, id)).toBe(true)
  })

  it("an Architect-format token over a session id (the cookie's signature, in hex) is refused", async () => {
    const { sesh, id, signature } = await setup()
    const fromCookie = `${id}.${Date.now() + 60_000}.${Buffer.from(signature, 'base64').toString('hex')}`
    expect(fromCookie).toBe(forge(STRONG, id, Date.now() + 60_000).replace(/\.\d+\./, `.${fromCookie.split('.')[1]}.`))
    expect(sesh.csrf.verify(fromCookie)).toBe(false)
    expect(sesh.csrf.verify(fromCookie, id)).toBe(false)
  })
})
