/** Options looked up by name take own properties only; ids no id could be are refused before any HMAC. */
import { describe, expect, it, vi } from 'vitest'
import { Keyring, signId } from '../crypto/keyring.js'
import { resolveOptions } from '../engine/options.js'
import { serverStore } from './server.js'

const SECRET = 'abcdefghijklmnopqrstuvwxyz0123456789'

describe('names looked up in tables', () => {
  it('ARC_APP_SECRET_ALGO must name an algorithm, not an Object.prototype member', () => {
    for (const algo of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      expect(() => resolveOptions({ secret: SECRET, env: { ARC_APP_SECRET_ALGO: algo } }), algo).toThrow(
        /A256GCM, A192GCM,? (?:or )?A128GCM/,
      )
      expect(() => resolveOptions({ secret: SECRET, algorithm: algo as never }), algo).toThrow(TypeError)
    }
    expect(resolveOptions({ secret: SECRET, env: { ARC_APP_SECRET_ALGO: 'A128GCM' } }).keyring.enc).toBe('A128GCM')
  })

  it("reads only the environment's own properties", () => {
    const env = Object.create({ ARC_APP_SECRET: 'inherited-'.repeat(4), ARC_SESSION_DOMAIN: 'evil.example' })
    const o = resolveOptions({ env, onWarning() {} })
    expect(o.usingDevelopmentKey).toBe(true)
    expect(o.cookieAttributes.domain).toBeUndefined()
  })
})

describe('signed ids', () => {
  const keyring = new Keyring([SECRET], 'A256GCM')
  const context = (ring: Keyring) => ({ keyring: ring, now: 1_800_000_000, ttl: 3600 })
  const keeper = { get: vi.fn(async () => undefined), set: vi.fn(async () => {}), delete: vi.fn(async () => {}) }

  it('refuses an id longer than the id format before any HMAC', async () => {
    const spy = new Keyring([SECRET, SECRET + '2', SECRET + '3', SECRET + '4', SECRET + '5'], 'A256GCM')
    const signer = vi.spyOn(spy, 'signer')
    const store = serverStore(keeper)
    for (const value of [
      'a'.repeat(1_000_000) + '.sig',
      `${'a'.repeat(129)}.${'A'.repeat(43)}`,
      `short.${'A'.repeat(43)}`,
      `${'a'.repeat(24)}.${'A'.repeat(500)}`,
      'a'.repeat(100_000),
    ]) {
      const started = performance.now()
      expect(await store.read(value, context(spy))).toBeUndefined()
      expect(performance.now() - started).toBeLessThan(100) // no work in the value's length (a regex backtracking over a megabyte takes seconds); about 0.1 ms unloaded
    }
    expect(signer).not.toHaveBeenCalled()
    expect(keeper.get).not.toHaveBeenCalled()
  })

  it('still reads a well-formed signed id', async () => {
    const id = 'abcdefghijklmnopqrstuvwx'
    const store = serverStore({ ...keeper, get: vi.fn(async () => ({ data: { a: 1 }, expiresAt: 1_800_000_100 })) })
    const found = await store.read(await signId(id, keyring), context(keyring))
    expect(found?.record.id).toBe(id)
    expect(found?.record.data).toEqual({ a: 1 })
  })
})
