/** Splitting a cookie value over several cookies and joining it again: pure functions, hostile sets. */
import { describe, expect, it } from 'vitest'
import { chunkCount, chunkedCookies, chunkName, expiredCookies, MAX_CHUNKS, readChunks } from './chunks.js'
import { COOKIE_LIMIT, sessionCookie } from './cookie.js'
import { SessionTooLargeError } from '../errors.js'
import type { CookieAttributes } from './cookie.js'

const attributes: CookieAttributes = { path: '/', httpOnly: true, sameSite: 'lax', secure: false, maxAge: 604800, partitioned: false }
const limits = { max: 4, maxBytes: 14 * 1024 }
const bytes = (text: string) => new TextEncoder().encode(text).length

/** A JWE-shaped value of `length` characters (base64url and dots). */
function tokenOf(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'
  let out = ''
  for (let i = 0; i < length; i++) out += alphabet[(i * 7 + (i >> 5)) % alphabet.length]
  return out
}

/** The `Cookie` header a browser would send back for these `Set-Cookie` values (expired ones dropped). */
function sentBack(headers: readonly string[]): string {
  return headers
    .filter((h) => !/; Max-Age=0(;|$)/.test(h))
    .map((h) => h.split(';')[0])
    .join('; ')
}

describe('chunkedCookies: writing', () => {
  it('sends a value that fits one cookie as one cookie, exactly as without chunking', () => {
    const value = tokenOf(3000)
    expect(chunkedCookies('_idx', value, attributes, limits, [])).toEqual([sessionCookie('_idx', value, attributes)])
    expect(chunkCount('_idx', value, attributes)).toBe(1)
  })

  it('splits a bigger value in order over _idx, _idx.1, …, each cookie within 4096 bytes, the count first', () => {
    const value = tokenOf(10_000)
    const headers = chunkedCookies('_idx', value, attributes, limits, [])
    expect(headers).toHaveLength(3)
    expect(headers.map((h) => h.slice(0, h.indexOf('=')))).toEqual(['_idx', '_idx.1', '_idx.2'])
    expect(headers[0]).toMatch(/^_idx=3~/)
    for (const header of headers) {
      expect(bytes(header)).toBeLessThanOrEqual(COOKIE_LIMIT)
      expect(header).toMatch(/; Max-Age=604800; Path=\/; HttpOnly; SameSite=Lax$/) // the session cookie's attributes
    }
    expect(bytes(headers[0]!)).toBe(COOKIE_LIMIT) // filled, not padded
    expect(readChunks(sentBack(headers), '_idx', limits)).toEqual({ value, present: true, carried: [1, 2] })
  })

  it('round-trips every length around the chunk boundaries', () => {
    for (const length of [4000, 4038, 4039, 4040, 4100, 8070, 8080, 8090, 12_100, 12_120, 13_900]) {
      const value = tokenOf(length)
      const headers = chunkedCookies('_idx', value, attributes, limits, [])
      expect(headers.length).toBe(chunkCount('_idx', value, attributes))
      for (const header of headers) expect(bytes(header)).toBeLessThanOrEqual(COOKIE_LIMIT)
      expect(readChunks(sentBack(headers), '_idx', limits).value).toBe(value)
    }
  })

  it('keeps __Host- names and attributes on every chunk (Secure, Path=/, no Domain)', () => {
    const host: CookieAttributes = { ...attributes, secure: true, sameSite: 'strict' }
    const headers = chunkedCookies('__Host-_idx', tokenOf(9000), host, limits, [4])
    expect(headers.map((h) => h.slice(0, h.indexOf('=')))).toEqual(['__Host-_idx', '__Host-_idx.1', '__Host-_idx.2', '__Host-_idx.4'])
    for (const header of headers) {
      expect(header).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Strict$/)
      expect(header).not.toMatch(/Domain/)
    }
  })

  it('expires the chunks the request carried that the new value no longer uses, with the same Path and Domain', () => {
    const withDomain: CookieAttributes = { ...attributes, domain: 'example.com' }
    const headers = chunkedCookies('_idx', tokenOf(5000), withDomain, limits, [1, 2, 3, 7])
    expect(headers).toHaveLength(5)
    expect(headers.slice(2)).toEqual([
      '_idx.2=; Max-Age=0; Domain=example.com; Path=/; HttpOnly; SameSite=Lax',
      '_idx.3=; Max-Age=0; Domain=example.com; Path=/; HttpOnly; SameSite=Lax',
      '_idx.7=; Max-Age=0; Domain=example.com; Path=/; HttpOnly; SameSite=Lax',
    ])
    // shrunk to one cookie: every chunk goes
    const one = chunkedCookies('_idx', tokenOf(100), withDomain, limits, [1, 2])
    expect(one).toHaveLength(3)
    expect(one[0]).toMatch(/^_idx=A/)
    expect(one.slice(1).every((h) => /^_idx\.\d=; Max-Age=0/.test(h))).toBe(true)
    expect(expiredCookies('_idx', withDomain, [1, 2]).map((h) => h.split(';')[0])).toEqual(['_idx=', '_idx.1=', '_idx.2='])
  })

  it('refuses a value over maxBytes, and one that needs more than max cookies, with SessionTooLargeError', () => {
    const overBytes = (() => {
      try {
        chunkedCookies('_idx', tokenOf(15_000), attributes, limits, [])
      } catch (error) {
        return error
      }
    })() as SessionTooLargeError
    expect(overBytes).toBeInstanceOf(SessionTooLargeError)
    expect(overBytes.code).toBe('ERR_SESSION_TOO_LARGE')
    expect(overBytes.limit).toBe(14 * 1024)
    expect(overBytes.size).toBeGreaterThan(15_000)
    expect(overBytes.message).toMatch(/4 cookies and 14336 bytes.*server-side store/s)

    // two cookies hold about 8 KB: 9000 characters is over the count though under maxBytes
    const overCount = (() => {
      try {
        chunkedCookies('_idx', tokenOf(9000), attributes, { max: 2, maxBytes: 14 * 1024 }, [])
      } catch (error) {
        return error
      }
    })() as SessionTooLargeError
    expect(overCount).toBeInstanceOf(SessionTooLargeError)
    expect(overCount.limit).toBeLessThan(8200)
    expect(overCount.size).toBeGreaterThan(overCount.limit)
    // the limit is exactly what fits: a value of that size is accepted
    expect(() => chunkedCookies('_idx', tokenOf(8000), attributes, { max: 2, maxBytes: 14 * 1024 }, [])).not.toThrow()
  })

  it('refuses to split a value that would need percent-encoding', () => {
    expect(() => chunkedCookies('_idx', 'é'.repeat(3000), attributes, limits, [])).toThrow(TypeError)
  })
})

describe('readChunks: hostile chunk sets', () => {
  const value = tokenOf(10_000)
  const headers = chunkedCookies('_idx', value, attributes, limits, [])
  const [first, one, two] = headers.map((h) => h.split(';')[0]!.split('=')[1]!)

  it('joins chunks whatever their order in the header', () => {
    expect(readChunks(`_idx.2=${two}; x=1; _idx.1=${one}; _idx=${first}`, '_idx', limits).value).toBe(value)
  })

  it('a missing or empty chunk: no value, but the first cookie counts as present', () => {
    expect(readChunks(`_idx=${first}; _idx.2=${two}`, '_idx', limits)).toEqual({ value: undefined, present: true, carried: [2] })
    expect(readChunks(`_idx=${first}; _idx.1=; _idx.2=${two}`, '_idx', limits).value).toBeUndefined()
    expect(readChunks(`_idx=${first}; _idx.1=a b"; _idx.2=${two}`, '_idx', limits).value).toBeUndefined() // not a cookie value
  })

  it('chunks without the first cookie: no session, and the chunks are carried (to be expired)', () => {
    expect(readChunks(`_idx.1=${one}; _idx.2=${two}`, '_idx', limits)).toEqual({ value: undefined, present: false, carried: [1, 2] })
  })

  it('reordered chunk values join to a different value (which does not open)', () => {
    const swapped = readChunks(`_idx=${first}; _idx.1=${two}; _idx.2=${one}`, '_idx', limits).value
    expect(swapped).not.toBe(value)
  })

  it('duplicated names: the last wins, as for one cookie', () => {
    expect(readChunks(`_idx=${first}; _idx.1=tossed; _idx.1=${one}; _idx.2=${two}`, '_idx', limits).value).toBe(value)
    expect(readChunks(`_idx=${first}; _idx.1=${one}; _idx.1=tossed; _idx.2=${two}`, '_idx', limits).value).not.toBe(value)
  })

  it('a count over the maximum, or under 2, is refused without reading the chunks', () => {
    const many = Array.from({ length: 9 }, (_, i) => `${chunkName('_idx', i)}=${i === 0 ? '9~' : ''}abc`).join('; ')
    expect(readChunks(many, '_idx', limits).value).toBeUndefined()
    expect(readChunks(many, '_idx', { max: 9, maxBytes: 14 * 1024 }).value).toBe('abc'.repeat(9))
    expect(readChunks('_idx=1~abc', '_idx', limits)).toMatchObject({ value: undefined, present: true })
    expect(readChunks('_idx=0~abc', '_idx', limits).value).toBe('0~abc') // no count: a value like any other, which does not open
  })

  it('an oversized set is refused: joined length over maxBytes', () => {
    const big = 'A'.repeat(5000)
    expect(readChunks(`_idx=4~${big}; _idx.1=${big}; _idx.2=${big}; _idx.3=${big}`, '_idx', limits).value).toBeUndefined()
  })

  it('a stray chunk beyond the count is ignored (and carried, for expiry)', () => {
    expect(readChunks(`_idx=${first}; _idx.1=${one}; _idx.2=${two}; _idx.7=evil`, '_idx', limits)).toEqual({
      value,
      present: true,
      carried: [1, 2, 7],
    })
  })

  it('ignores names that only look like chunks', () => {
    const header = `_idx=${first}; _idx.1=${one}; _idx.2=${two}; _idx.01=x; _idx.1x=x; _idx.${MAX_CHUNKS}=x; my_idx.3=x; _idx.-1=x`
    expect(readChunks(header, '_idx', limits)).toEqual({ value, present: true, carried: [1, 2] })
  })

  it('a single cookie reads as without chunking; nothing at all is no cookie', () => {
    expect(readChunks('a=1; _idx=abc%2Fdef', '_idx', limits)).toEqual({ value: 'abc/def', present: true, carried: [] })
    expect(readChunks('_idx=', '_idx', limits)).toEqual({ value: undefined, present: false, carried: [] })
    expect(readChunks(undefined, '_idx', limits)).toEqual({ value: undefined, present: false, carried: [] })
    expect(readChunks('', '_idx', limits)).toEqual({ value: undefined, present: false, carried: [] })
  })
})
