/**
 * CSRF tokens come from the one resolved configuration: the configured
 * secret(s) sign them (the newest signs, all verify); Architect's
 * `ARC_APP_NAME` / `'fallback'` secret is used only where Architect uses it,
 * with no secret set outside production.
 */
import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createArchitect } from 'seshjs/architect'
import { loadArc, setEnv, type RealArc } from './arc.js'

const STRONG = 'k3Jd8s0QzV1xP7wL2mN9bR4tY6uA5cE0fG8hJ1iK' // 40 characters
const OLDER = 'an-older-secret-still-trusted-0123456789'
const hmac = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest('hex')
const forge = (secret: string, data = 'attacker', ts = Date.now() + 60_000) => `${data}.${ts}.${hmac(secret, data)}`
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
    const token = production.csrf.create('abc', 4_102_444_800_000)
    expect(token).toBe(`abc.4102444800000.${hmac(STRONG, 'abc')}`)
    expect(production.csrf.verify(token)).toBe(true)
    for (const guess of ['fallback', 'shop']) expect(production.csrf.verify(forge(guess))).toBe(false)
    expect(production.csrf.verify(forge(STRONG))).toBe(true) // the check does check
  })

  it('rotation: the newest signs, every secret verifies', () => {
    const rotated = createArchitect({ secrets: [STRONG, OLDER], cookie, env: { ARC_ENV: 'production' } })
    expect(rotated.csrf.create('abc', 4_102_444_800_000)).toBe(`abc.4102444800000.${hmac(STRONG, 'abc')}`)
    expect(rotated.csrf.verify(forge(OLDER))).toBe(true)
    expect(rotated.csrf.verify(forge('fallback'))).toBe(false)
  })

  it('ARC_APP_SECRET from the environment, as Architect: tokens verify across both libraries', () => {
    setEnv({ ARC_SESSION_TABLE_NAME: 'jwe', ARC_ENV: 'testing', ARC_APP_SECRET: STRONG })
    const sesh = createArchitect()
    expect(sesh.csrf.create('abc', 4_102_444_800_000)).toBe(arc.http.csrf.create('abc', 4_102_444_800_000))
    expect(arc.http.csrf.verify(sesh.csrf.create())).toBe(true)
    expect(sesh.csrf.verify(forge('fallback'))).toBe(false)
  })
})

describe('without a secret, outside production: Architect\'s fallback, as Architect', () => {
  it.each([
    ['ARC_APP_NAME', { ARC_APP_NAME: 'shop' }, 'shop'],
    ["'fallback'", {}, 'fallback'],
  ] as const)('%s signs', (_name, extra, secret) => {
    setEnv({ ARC_SESSION_TABLE_NAME: 'jwe', ARC_ENV: 'testing', ...extra })
    const warnings: string[] = []
    const sesh = createArchitect({ onWarning: (message) => warnings.push(message) })
    expect(sesh.csrf.create('abc', 4_102_444_800_000)).toBe(arc.http.csrf.create('abc', 4_102_444_800_000))
    expect(sesh.csrf.verify(forge(secret))).toBe(true)
    expect(warnings).toEqual([expect.stringMatching(/no ARC_APP_SECRET is set, so sessions use the public development key/)])
  })
})

it('a token can be bound to a visitor: verify(token, data) wants that data', () => {
  const sesh = createArchitect({ secret: STRONG })
  const mine = sesh.csrf.create('visitor-a')
  expect(sesh.csrf.verify(mine, 'visitor-a')).toBe(true)
  expect(sesh.csrf.verify(sesh.csrf.create('visitor-b'), 'visitor-a')).toBe(false)
  expect(sesh.csrf.verify(mine, 'visitor-ab')).toBe(false)
})
