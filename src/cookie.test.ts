import { describe, expect, it } from 'vitest'
import { COOKIE_LIMIT, expiredCookie, readCookie, sessionCookie } from './cookie.js'
import { SessionTooLargeError } from './errors.js'
import type { CookieAttributes } from './options.js'

const attributes: CookieAttributes = { path: '/', httpOnly: true, sameSite: 'lax', secure: false, maxAge: 604800, partitioned: false }

describe('readCookie', () => {
  it('finds the cookie among others and percent-decodes it', () => {
    expect(readCookie('a=1; _idx=abc%2Fdef; b=2', '_idx')).toBe('abc/def')
    expect(readCookie('a=1', '_idx')).toBeUndefined()
    expect(readCookie('', '_idx')).toBeUndefined()
    expect(readCookie(null, '_idx')).toBeUndefined()
  })

  it('takes the last of several (Architect)', () => {
    expect(readCookie('_idx=first; x=1; _idx=last', '_idx')).toBe('last')
  })

  it('does not confuse similar names', () => {
    expect(readCookie('my_idx=no; _idx_old=no', '_idx')).toBeUndefined()
  })

  it('gives undefined for empty or invalid values rather than throwing', () => {
    expect(readCookie('_idx=', '_idx')).toBeUndefined()
    expect(readCookie('_idx=a b"c', '_idx')).toBeUndefined()
    expect(readCookie('_idx=%E0%A4%A', '_idx')).toBe('%E0%A4%A') // bad percent-encoding is kept raw, then fails to open
  })
})

describe('sessionCookie', () => {
  it('writes the attributes in a stable order', () => {
    expect(sessionCookie('_idx', 'v', attributes)).toBe('_idx=v; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax')
    expect(sessionCookie('_idx', 'v', { ...attributes, secure: true, domain: 'example.com', partitioned: true, sameSite: 'strict' })).toBe(
      '_idx=v; Max-Age=604800; Domain=example.com; Path=/; HttpOnly; Secure; SameSite=Strict; Partitioned',
    )
  })

  it('percent-encodes a signed id the way Architect does', () => {
    expect(sessionCookie('_idx', 'id.5PS6/dw+x', attributes)).toMatch(/^_idx=id\.5PS6%2Fdw%2Bx;/)
  })

  it('refuses a cookie over 4096 bytes', () => {
    expect(() => sessionCookie('_idx', 'x'.repeat(COOKIE_LIMIT), attributes)).toThrow(SessionTooLargeError)
    expect(sessionCookie('_idx', 'x'.repeat(4000), attributes).length).toBeLessThanOrEqual(COOKIE_LIMIT)
  })

  it('expires with Max-Age=0 and the same Path and Domain', () => {
    expect(expiredCookie('_idx', { ...attributes, domain: 'example.com' })).toBe('_idx=; Max-Age=0; Domain=example.com; Path=/; HttpOnly; SameSite=Lax')
  })
})
