import { describe, expect, it } from 'vitest'
import { cookiePrefixRules, hostPrefixWarning } from './prefix.js'
import { resolveOptions } from '../engine/options.js'
import { createSessions } from '../engine/engine.js'

const SECRET = 'abcdefghijklmnopqrstuvwxyz0123456789'

describe('cookie-name prefixes', () => {
  it('a __Host- or __Secure- name sets the attributes it needs, outside production too', async () => {
    for (const name of ['__Host-sid', '__host-sid', '__Secure-sid', '__SECURE-sid']) {
      const engine = createSessions({ secret: SECRET, cookie: { name } })
      expect(engine.options.cookieAttributes.secure, name).toBe(true)
      expect(engine.options.cookieName).toBe(name)
      const session = await engine.load(new Request('http://localhost/'))
      session.set('n', 1)
      const cookie = await engine.save(session) // used to throw on every save outside production
      expect(cookie).toMatch(new RegExp(`^${name}=.*; Secure`))
    }
  })

  it('fails at start-up when an option contradicts the prefix', () => {
    expect(() => resolveOptions({ secret: SECRET, cookie: { name: '__Host-sid', domain: 'example.com' } })).toThrow(/Domain/)
    expect(() => resolveOptions({ secret: SECRET, cookie: { name: '__Host-sid' }, env: { ARC_SESSION_DOMAIN: 'example.com' } })).toThrow(
      /Domain/,
    )
    expect(() => resolveOptions({ secret: SECRET, cookie: { name: '__Secure-sid', secure: false } })).toThrow(/Secure/)
    expect(() => resolveOptions({ secret: SECRET, cookie: { name: '__Host-sid', secure: false } })).toThrow(/Secure/)
    expect(() => resolveOptions({ secret: SECRET, cookie: { hostPrefix: true, domain: 'example.com' } })).toThrow(/Domain/)
    // hostPrefix with secure: false is a contradiction too, never a silently Secure cookie
    expect(() => resolveOptions({ secret: SECRET, cookie: { hostPrefix: true, secure: false } })).toThrow(TypeError)
    expect(() => cookiePrefixRules({ name: '_idx', hostPrefix: true, secure: false })).toThrow(
      /__Host-… must be Secure: remove cookie.secure: false or hostPrefix: true/,
    )
    // without an explicit secure, hostPrefix makes it Secure, in development too
    expect(resolveOptions({ secret: SECRET, cookie: { hostPrefix: true } }).cookieAttributes.secure).toBe(true)
  })

  it('hostPrefix adds the prefix once', () => {
    expect(cookiePrefixRules({ name: '_idx', hostPrefix: true }).name).toBe('__Host-_idx')
    expect(cookiePrefixRules({ name: '__Host-x', hostPrefix: true }).name).toBe('__Host-x')
    expect(cookiePrefixRules({ name: '_idx' })).toEqual({ name: '_idx', host: false, secure: false })
  })
})

describe('cookie tossing warning', () => {
  it('production warns once when the cookie has neither __Host- nor a Domain, pointing at hostPrefix', () => {
    const warnings: string[] = []
    resolveOptions({ secret: SECRET, production: true, onWarning: (m) => warnings.push(m) })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/hostPrefix: true/)
    expect(warnings[0]).toMatch(/cookie tossing/)
  })

  it('stays quiet once decided, and outside production', () => {
    const warnings: string[] = []
    const onWarning = (m: string) => warnings.push(m)
    resolveOptions({ secret: SECRET, production: true, onWarning, cookie: { hostPrefix: true } })
    resolveOptions({ secret: SECRET, production: true, onWarning, cookie: { name: '__Host-sid' } })
    resolveOptions({ secret: SECRET, production: true, onWarning, cookie: { domain: 'example.com' } })
    resolveOptions({ secret: SECRET, production: true, onWarning, env: { ARC_SESSION_DOMAIN: 'example.com' } })
    resolveOptions({ secret: SECRET, production: true, onWarning, cookie: { hostPrefix: false } })
    resolveOptions({ secret: SECRET, onWarning })
    expect(warnings).toEqual([])
    expect(hostPrefixWarning({ production: false, host: false, domain: undefined, hostPrefix: undefined })).toBeUndefined()
  })
})
