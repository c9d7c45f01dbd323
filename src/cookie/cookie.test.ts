import fc from 'fast-check'
import { parse, serialize } from 'hono/utils/cookie'
import { describe, expect, it } from 'vitest'
import { COOKIE_LIMIT, expiredCookie, readCookie, serializeCookie, sessionCookie } from './cookie.js'
import { SessionTooLargeError } from '../errors.js'
import type { CookieAttributes } from './cookie.js'

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

  it("answers exactly as hono's parse() of the last pair named so, fast path or not", () => {
    /** The rule without the fast path for plain values. */
    const reference = (header: string, name: string): string | undefined => {
      if (!header.includes(name)) return undefined
      const pairs = header.split(';')
      for (let i = pairs.length - 1; i >= 0; i--) {
        const eq = pairs[i]!.indexOf('=')
        if (eq === -1 || pairs[i]!.slice(0, eq).trim() !== name) continue
        const value = parse(pairs[i]!, name)[name]
        return value === undefined || value === '' ? undefined : value
      }
      return undefined
    }
    const piece = fc.constantFrom(
      '_idx',
      'a',
      '=',
      ';',
      ' ',
      '\t',
      '"',
      '%2F',
      '%2b',
      '%E0%A4%A',
      '%',
      '+',
      '/',
      '.',
      '-',
      '_',
      'Zz9',
      '\n',
      '\u00a0',
      ',',
      'é',
    )
    const header = fc.array(piece, { maxLength: 24 }).map((parts) => parts.join(''))
    fc.assert(
      fc.property(header, fc.constantFrom('_idx', 'a', '__Host-s'), (value, name) => {
        expect(readCookie(value, name)).toBe(reference(value, name))
      }),
      { numRuns: 20_000 },
    )
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

  it('counts bytes, not characters: a cookie of fewer than 4096 characters but more bytes is refused, with its size', () => {
    const wide = { ...attributes, domain: 'é'.repeat(1100) } // hono writes Domain as given
    const expected = new TextEncoder().encode(serialize('_idx', 'x'.repeat(2000), wide)).length
    expect(expected).toBeGreaterThan(COOKIE_LIMIT)
    for (const given of [wide, Object.freeze({ ...wide })]) {
      const error = (() => {
        try {
          sessionCookie('_idx', 'x'.repeat(2000), given)
        } catch (caught) {
          return caught
        }
      })()
      expect(error).toBeInstanceOf(SessionTooLargeError)
      expect((error as SessionTooLargeError).size).toBe(expected)
    }
    expect(sessionCookie('_idx', 'x'.repeat(2000), { ...attributes, domain: 'é'.repeat(900) }).length).toBeLessThan(COOKIE_LIMIT)
  })

  it('expires with Max-Age=0 and the same Path and Domain', () => {
    expect(expiredCookie('_idx', { ...attributes, domain: 'example.com' })).toBe(
      '_idx=; Max-Age=0; Domain=example.com; Path=/; HttpOnly; SameSite=Lax',
    )
  })
})

describe('serializeCookie', () => {
  /** hono's answer, or the error it throws. */
  const outcome = (write: () => string): string => {
    try {
      return write()
    } catch (error) {
      return `throws ${(error as Error).message}`
    }
  }
  const attributeSets = fc.record({
    path: fc.constant('/' as const),
    httpOnly: fc.constant(true as const),
    sameSite: fc.constantFrom('lax', 'strict', 'none') as fc.Arbitrary<CookieAttributes['sameSite']>,
    secure: fc.boolean(),
    domain: fc.option(fc.constantFrom('example.com', 'a.b.example', 'bad;domain'), { nil: undefined }),
    maxAge: fc.constantFrom(0, 1, 604800, 34560000, 34560001),
    partitioned: fc.boolean(),
  })

  it("writes what hono's serialize() writes (or throws what it throws), from a frozen attributes object or not", () => {
    fc.assert(
      fc.property(
        fc.constantFrom('_idx', '_idx.1', '_idx.3', '__Host-s', '__Secure-s', 'bad name'),
        fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('\uD800x', 'a\uDC00', 'id.5PS6/dw+x')),
        attributeSets,
        (name, value, drawn) => {
          const given = Object.fromEntries(Object.entries(drawn).filter(([, v]) => v !== undefined)) as unknown as CookieAttributes
          const frozen = Object.freeze({ ...given })
          const expected = outcome(() => serialize(name, value, given))
          expect(outcome(() => serializeCookie(name, value, frozen))).toBe(expected)
          expect(outcome(() => serializeCookie(name, value, frozen))).toBe(expected) // again, from what it remembered
          expect(outcome(() => serializeCookie(name, value, given))).toBe(expected)
        },
      ),
      { numRuns: 5_000 },
    )
  })

  it('reads attributes that are not frozen again every time', () => {
    const changing: CookieAttributes = { ...attributes }
    expect(serializeCookie('_idx', 'v', changing)).toBe('_idx=v; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax')
    changing.sameSite = 'strict'
    changing.maxAge = 60
    expect(serializeCookie('_idx', 'v', changing)).toBe('_idx=v; Max-Age=60; Path=/; HttpOnly; SameSite=Strict')
  })
})
