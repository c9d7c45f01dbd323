import { describe, expect, it, vi } from 'vitest'
import { SessionSecretError } from '../errors.js'
import { isProduction, resolveOptions, sessionTableName, settingsSource } from './options.js'

const SECRET = 'abcdefghijklmnopqrstuvwxyz0123456789'
const quiet = { onWarning: () => {} }

describe('defaults', () => {
  it('uses _idx, HttpOnly, Path=/, SameSite=Lax, 7-day ttl, not Secure in development', () => {
    const o = resolveOptions({ secret: SECRET })
    expect(o.cookieName).toBe('_idx')
    expect(o.cookieAttributes).toEqual({ path: '/', httpOnly: true, sameSite: 'lax', secure: false, maxAge: 604800, partitioned: false })
    expect(o.ttl).toBe(604800)
    expect(o.touchAfter).toBe(3600)
    expect(o.maxAge).toBeUndefined()
    expect(o.keyring.enc).toBe('A256GCM')
  })

  it('is Secure in production, and the option overrides', () => {
    // hostPrefix: false, decided: no cookie-tossing warning (cookie-prefix.test.ts tests it)
    const decided = { hostPrefix: false }
    expect(resolveOptions({ secret: SECRET, production: true, cookie: decided }).cookieAttributes.secure).toBe(true)
    expect(resolveOptions({ secret: SECRET, production: true, cookie: { ...decided, secure: false } }).cookieAttributes.secure).toBe(false)
  })

  it('caps touchAfter at half the ttl', () => {
    expect(resolveOptions({ secret: SECRET, ttl: 600 }).touchAfter).toBe(300)
  })
})

describe('the ARC_* environment', () => {
  it('maps every variable', () => {
    const o = resolveOptions({
      env: {
        ARC_APP_SECRET: SECRET,
        ARC_APP_SECRET_ALGO: 'A128GCM',
        ARC_SESSION_TTL: '3600',
        ARC_SESSION_SAME_SITE: 'Strict',
        ARC_SESSION_DOMAIN: 'example.com',
        ARC_ENV: 'production',
      },
    })
    expect(o.keyring.enc).toBe('A128GCM')
    expect(o.production).toBe(true)
    expect(o.usingDevelopmentKey).toBe(false)
    expect(o.cookieAttributes).toMatchObject({ maxAge: 3600, sameSite: 'strict', domain: 'example.com', secure: true })
    expect(o.touchAfter).toBe(1800)
  })

  it('lets explicit options win over the environment', () => {
    const o = resolveOptions({
      env: { ARC_SESSION_SAME_SITE: 'strict', ARC_APP_SECRET: 'x'.repeat(32) },
      cookie: { sameSite: 'none' },
      secret: SECRET,
    })
    expect(o.cookieAttributes.sameSite).toBe('none')
    expect(o.cookieAttributes.secure).toBe(true) // SameSite=None needs Secure
  })

  it('detects production from ARC_ENV or NODE_ENV', () => {
    expect(isProduction({ env: { ARC_ENV: 'staging' } })).toBe(true)
    expect(isProduction({ env: { ARC_ENV: 'testing' } })).toBe(false)
    expect(isProduction({ env: { NODE_ENV: 'production' } })).toBe(true)
    expect(isProduction({ env: {} })).toBe(false)
    expect(isProduction({ env: { NODE_ENV: 'production' }, production: false })).toBe(false)
  })

  it('refuses a table name without a store, rather than silently using cookies', () => {
    expect(() => resolveOptions({ secret: SECRET, env: { ARC_SESSION_TABLE_NAME: 'sessions' } })).toThrow(/dynamoStore/)
    expect(resolveOptions({ secret: SECRET, env: { ARC_SESSION_TABLE_NAME: 'jwe' } }).store.stateless).toBe(true)
  })

  it('names the session table as Architect does: jwe or unset is the cookie store', () => {
    expect(sessionTableName({})).toBeUndefined()
    expect(sessionTableName({ ARC_SESSION_TABLE_NAME: 'jwe' })).toBeUndefined()
    expect(sessionTableName({ ARC_SESSION_TABLE_NAME: '' })).toBeUndefined()
    expect(sessionTableName({ ARC_SESSION_TABLE_NAME: 'sessions' })).toBe('sessions')
    expect(sessionTableName({ SESSION_TABLE_NAME: 'legacy' })).toBe('legacy')
    expect(sessionTableName({ ARC_SESSION_TABLE_NAME: 'jwe', SESSION_TABLE_NAME: 'legacy' })).toBeUndefined()
  })

  it('caps Max-Age at 400 days, as browsers do', () => {
    expect(resolveOptions({ secret: SECRET, env: { ARC_SESSION_TTL: '788400000' } }).cookieAttributes.maxAge).toBe(34560000)
  })
})

describe('secrets', () => {
  it('stops production without a secret, naming ARC_APP_SECRET and how to make one', () => {
    for (const env of [{ ARC_ENV: 'production' }, { ARC_ENV: 'staging' }, { NODE_ENV: 'production' }]) {
      const error = (() => {
        try {
          resolveOptions({ env })
        } catch (e) {
          return e
        }
      })() as SessionSecretError
      expect(error).toBeInstanceOf(SessionSecretError)
      expect(error.code).toBe('ERR_SESSION_SECRET')
      expect(error.message).toMatch(/ARC_APP_SECRET/)
      expect(error.message).toMatch(/openssl rand -base64 32/)
    }
  })

  it('stops production with a short secret, or with the public development key', () => {
    expect(() => resolveOptions({ env: { ARC_ENV: 'production', ARC_APP_SECRET: 'too-short' } })).toThrow(SessionSecretError)
    expect(() => resolveOptions({ production: true, secret: '12345678901234567890123456789012' })).toThrow(/development key/)
  })

  it('refuses a short secret in development too, without echoing it', () => {
    expect(() => resolveOptions({ secret: 'my-short-secret' })).toThrow(SessionSecretError)
    try {
      resolveOptions({ secret: 'my-short-secret' })
    } catch (error) {
      expect((error as Error).message).not.toContain('my-short-secret')
    }
  })

  it('uses the development key in development and says so once', () => {
    const onWarning = vi.fn()
    const o = resolveOptions({ onWarning })
    expect(o.usingDevelopmentKey).toBe(true)
    expect(onWarning).toHaveBeenCalledTimes(1)
    expect(onWarning.mock.calls[0]![0]).toMatch(/ARC_APP_SECRET/)
  })

  it('reads the runtime environment without an env option, and names what it read', () => {
    const onWarning = vi.fn()
    expect(settingsSource({})).toEqual({ env: process.env, name: 'process.env' })
    expect(settingsSource({ env: process.env }).name).toBe('process.env') // the process's own, passed explicitly
    expect(settingsSource({ env: {} }).name).toBe('the env option')
    resolveOptions({ onWarning })
    resolveOptions({ env: {}, onWarning })
    expect(onWarning.mock.calls.map(([message]) => /\(read: ([^;]+);/.exec(message as string)?.[1])).toEqual([
      'process.env',
      'the env option',
    ])
  })

  it('never uses the development key when anything says production, production: false included', () => {
    // production: false turns off Secure and the strength check, never the refusal of the public key
    expect(() => resolveOptions({ env: { ARC_ENV: 'production' }, production: false, ...quiet })).toThrow(
      /ARC_ENV or NODE_ENV in the env option says production/,
    )
    expect(resolveOptions({ env: { ARC_ENV: 'production' }, production: false, secret: SECRET }).cookieAttributes.secure).toBe(false)
    expect(() => resolveOptions({ production: true, ...quiet })).toThrow(/the production option is true/)
  })

  it('takes rotation lists newest first and validates them', () => {
    expect(() => resolveOptions({ secrets: [] as string[], ...quiet })).not.toThrow()
    expect(() => resolveOptions({ secrets: [SECRET, ''] })).toThrow(TypeError)
    expect(() => resolveOptions({ secrets: [SECRET, 'short'] })).toThrow(SessionSecretError)
  })
})

describe('validation', () => {
  it('rejects bad values with TypeError at construction', () => {
    const bad = [
      { ttl: 0 },
      { ttl: 1.5 },
      { maxAge: -1 },
      { touchAfter: 'soon' },
      { algorithm: 'A512GCM' },
      { cookie: { sameSite: 'sometimes' } },
      { cookie: { name: 'bad name;' } },
      { cookie: { hostPrefix: true, domain: 'example.com' } },
      { env: { ARC_SESSION_TTL: '3600.5' } },
      { now: 5 },
      { secret: 42 },
    ]
    for (const options of bad)
      expect(() => resolveOptions({ secret: SECRET, ...options } as never), JSON.stringify(options)).toThrow(TypeError)
  })

  it('refuses an invalid ARC_APP_SECRET_ALGO as @architect/functions does: a ReferenceError with its message', () => {
    expect(() => resolveOptions({ secret: SECRET, env: { ARC_APP_SECRET_ALGO: 'A512GCM' } })).toThrow(ReferenceError)
    expect(() => resolveOptions({ secret: SECRET, env: { ARC_APP_SECRET_ALGO: 'foo' } })).toThrow(
      /^Invalid token algorithm, must be one of: A256GCM, A192GCM, A128GCM/,
    )
  })

  it('builds a __Host- cookie, forcing Secure', () => {
    const o = resolveOptions({ secret: SECRET, cookie: { hostPrefix: true, partitioned: true } })
    expect(o.cookieName).toBe('__Host-_idx')
    expect(o.cookieAttributes).toMatchObject({ secure: true, partitioned: true, path: '/' })
  })
})
