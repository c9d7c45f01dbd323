/**
 * The counter's Lambda entry under Architect's sandbox, started through
 * `npm run start:lambda`'s script, and the proof that the shell's
 * ARC_APP_SECRET really reaches the function (the sandbox does not pass its
 * own environment to functions; the script must forward it).
 */
import { compactDecrypt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEVELOPMENT_SECRETS, jweKeyBytes } from '../../src/crypto/keyring.js'
import { CookieJar, SECRET } from '../helpers.js'
import { count, counterSuite, show } from './counter-suite.js'
import { type Runtime, freePort, startLambda, startScript } from './runtimes.js'

counterSuite("Lambda (Architect's sandbox)", () => startLambda({ ARC_APP_SECRET: SECRET }), 'none')

describe('start:lambda forwards the shell ARC_* variables into the function', () => {
  const CUSTOM = 'only-this-shell-knows-0123456789-abcdef'
  let lambda: Runtime
  let plain: Runtime
  beforeAll(async () => {
    lambda = await startLambda({ ARC_APP_SECRET: CUSTOM, ARC_SESSION_TTL: '1234' })
    // the bundle exists now; the control: the same shell secret, the sandbox started without forwarding
    plain = await startScript('plain sandbox', 'test/e2e/fixtures/plain-sandbox.ts', {
      PORT: String(await freePort()),
      ARC_INTERNAL_PORT: String(await freePort()),
      ARC_APP_SECRET: CUSTOM,
    })
  })
  afterAll(async () => {
    await Promise.all([lambda?.stop(), plain?.stop()])
  })

  it('is needed: a sandbox started plainly seals with the public development key', async () => {
    const jar = new CookieJar()
    await jar.fetch(`${plain.url}/count`, { method: 'POST' })
    const token = jar.cookies.get('_idx')!
    await expect(compactDecrypt(token, jweKeyBytes(CUSTOM, 'A256GCM'))).rejects.toThrow()
    const { plaintext } = await compactDecrypt(token, jweKeyBytes(DEVELOPMENT_SECRETS.A256GCM, 'A256GCM'))
    expect(JSON.parse(new TextDecoder().decode(plaintext))).toMatchObject({ count: 1 })
  })

  it('seals with the shell ARC_APP_SECRET, not the public development key', async () => {
    const jar = new CookieJar()
    const post = await jar.fetch(`${lambda.url}/count`, { method: 'POST' })
    expect(post.headers.get('set-cookie')).toMatch(/Max-Age=1234/) // ARC_SESSION_TTL arrived too
    const token = jar.cookies.get('_idx')!
    const { plaintext } = await compactDecrypt(token, jweKeyBytes(CUSTOM, 'A256GCM'))
    expect(JSON.parse(new TextDecoder().decode(plaintext))).toMatchObject({ count: 1 })
    await expect(compactDecrypt(token, jweKeyBytes(DEVELOPMENT_SECRETS.A256GCM, 'A256GCM'))).rejects.toThrow()
    await expect(compactDecrypt(token, jweKeyBytes(SECRET, 'A256GCM'))).rejects.toThrow()
    expect(await show(jar, lambda.url)).toBe(1)
    expect(await count(jar, lambda.url)).toBe(2)
  })
})
