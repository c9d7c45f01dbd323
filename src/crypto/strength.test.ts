import { CompactEncrypt, base64url } from 'jose'
import { describe, expect, it } from 'vitest'
import { createSessions } from '../engine/engine.js'
import { jweKeyBytes, legacyJweKeyBytes, type ContentEncryption, type KeyScheme } from './keyring.js'
import { SessionSecretError } from '../errors.js'
import { resolveOptions } from '../engine/options.js'
import { derivesDevelopmentKey, lowEntropyReason, productionSecretProblem } from './strength.js'

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n))
const hexOf = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
const base64Of = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes))
const COMBOS: [ContentEncryption, KeyScheme][] = [
  ['A256GCM', 'architect'],
  ['A192GCM', 'architect'],
  ['A128GCM', 'architect'],
  ['A128GCM', 'legacy'],
]
const quiet = { onWarning() {}, cookie: { hostPrefix: false } }

describe('production secrets', () => {
  it('accepts what `openssl rand -hex 32` and `openssl rand -base64 32` print, in every derivation', () => {
    for (let i = 0; i < 250; i++) {
      for (const secret of [hexOf(random(32)), base64Of(random(32)), hexOf(random(16)), base64Of(random(24))]) {
        for (const [enc, scheme] of COMBOS)
          expect(productionSecretProblem(secret, enc, scheme), `${secret} ${enc} ${scheme}`).toBeUndefined()
      }
    }
    expect(resolveOptions({ ...quiet, env: { ARC_ENV: 'production', ARC_APP_SECRET: base64Of(random(32)) } }).production).toBe(true)
    expect(resolveOptions({ ...quiet, env: { ARC_ENV: 'production', ARC_APP_SECRET: hexOf(random(32)) } }).production).toBe(true)
  })

  it("refuses Architect's public key in legacy form (base64 of the development key) under ARC_FORCE_LEGACY_JWE_SECRET", () => {
    const env = { ARC_ENV: 'production', ARC_FORCE_LEGACY_JWE_SECRET: 'true', ARC_APP_SECRET: 'MTIzNDU2Nzg5MDEyMzQ1Ng==' }
    expect(() => resolveOptions({ ...quiet, env })).toThrow(SessionSecretError)
    expect(() => resolveOptions({ ...quiet, env })).toThrow(/development key/)
    // The same secret is fine for development (it is the development key, after all).
    expect(resolveOptions({ ...quiet, env: { ...env, ARC_ENV: 'testing' } }).production).toBe(false)
  })

  it('refuses any secret deriving a development key in any derivation', () => {
    for (const secret of [
      '12345678901234567890123456789012',
      '12345678901234567890123456789012-and-more',
      '1234567890123456' + hexOf(random(16)), // its A128GCM key is the development key
      'MTIzNDU2Nzg5MDEyMzQ1Ng==',
      'MTIzNDU2Nzg5MDEyMzQ1Ng' + hexOf(random(8)), // legacy: same first 16 bytes
    ]) {
      expect(derivesDevelopmentKey(secret), secret).toBe(true)
      for (const [enc, scheme] of COMBOS)
        expect(productionSecretProblem(secret, enc, scheme), `${secret} ${enc}`).toMatch(/development key/)
    }
  })

  it('refuses low-entropy secrets: one symbol, a word repeated, an all-zero legacy key, binary read as text', () => {
    const binary = new TextDecoder().decode(new Uint8Array(Array.from({ length: 48 }, (_, i) => (i % 2 ? 0xff : 0x41 + (i % 26)))))
    for (const [secret, scheme] of [
      ['a'.repeat(32), 'architect'],
      ['password'.repeat(4), 'architect'],
      ['abc'.repeat(11), 'architect'],
      ['AAAAAAAAAAAAAAAAAAAAAA==', 'legacy'],
      [base64Of(new Uint8Array(32)), 'legacy'],
      [binary, 'architect'],
      ['\uD800'.repeat(2) + hexOf(random(16)), 'architect'],
    ] as const) {
      expect(productionSecretProblem(secret, 'A128GCM', scheme), JSON.stringify(secret)).toMatch(/entropy|U\+FFFD/)
      const env = { ARC_ENV: 'production', ARC_APP_SECRET: secret, ...(scheme === 'legacy' ? { ARC_FORCE_LEGACY_JWE_SECRET: '1' } : {}) }
      expect(() => resolveOptions({ ...quiet, env }), JSON.stringify(secret)).toThrow(SessionSecretError)
    }
  })

  it('checks every rotation secret, and never prints one', () => {
    const good = hexOf(random(32))
    expect(() => resolveOptions({ ...quiet, production: true, secrets: [good, 'password'.repeat(4)] })).toThrow(/secrets\[1\]/)
    try {
      resolveOptions({ ...quiet, production: true, secret: 'password'.repeat(4) })
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('password')
    }
  })

  it('states the entropy rule on key material', () => {
    expect(lowEntropyReason(new TextEncoder().encode('abcdefgh'.repeat(2)))).toMatch(/repeated/)
    expect(lowEntropyReason(new TextEncoder().encode('abcdefghijklmnop'))).toBeUndefined()
    expect(lowEntropyReason(new Uint8Array(16))).toMatch(/1 distinct/)
  })

  it('closes the forgery: a cookie sealed with the public legacy key is no longer accepted in production', async () => {
    const env = { ARC_ENV: 'production', ARC_FORCE_LEGACY_JWE_SECRET: 'true', ARC_APP_SECRET: 'MTIzNDU2Nzg5MDEyMzQ1Ng==' }
    const forged = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify({ user: 'admin', iat: Math.floor(Date.now() / 1000) })))
      .setProtectedHeader({ alg: 'dir', enc: 'A128GCM' })
      .encrypt(legacyJweKeyBytes(env.ARC_APP_SECRET))
    expect(base64url.decode(forged.split('.')[0]!).length).toBeGreaterThan(0)
    expect(jweKeyBytes('1234567890123456', 'A128GCM')).toEqual(legacyJweKeyBytes(env.ARC_APP_SECRET))
    expect(() => createSessions({ ...quiet, env })).toThrow(SessionSecretError)
  })
})
