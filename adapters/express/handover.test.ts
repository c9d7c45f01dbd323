/**
 * expressSessionHandover(): reads exactly the cookies cookie-signature signs
 * (the library express-session signs with), and nothing else.
 */
import { createHmac } from 'node:crypto'
import { createRequire } from 'node:module'
import { describe, expect, it, vi } from 'vitest'
import { type ExpressSessionRecord, expressSessionHandover } from './handover.js'

const signature = createRequire(import.meta.url)('cookie-signature') as { sign(value: string, secret: string): string }

const OLD_SECRET = 'keyboard cat'
const ID = 'aBcDeFgHiJkLmNoPqRsTuVwXyZ012345'
/** The cookie as express-session sends it: `s:` + signed id, percent-encoded. */
const cookie = (id = ID, secret = OLD_SECRET) => `connect.sid=${encodeURIComponent(`s:${signature.sign(id, secret)}`)}`
const record = { cookie: { originalMaxAge: 60_000, expires: '2030-01-01T00:00:00.000Z', httpOnly: true, path: '/' }, user: 'ada', count: 3 }

describe('expressSessionHandover', () => {
  it("accepts cookie-signature's signature (the same as an HMAC-SHA256, base64 without padding) and loads the record", async () => {
    expect(signature.sign(ID, OLD_SECRET)).toBe(`${ID}.${createHmac('sha256', OLD_SECRET).update(ID).digest('base64').replace(/=+$/, '')}`)
    const load = vi.fn(async () => record)
    const handover = expressSessionHandover({ secret: OLD_SECRET, load, now: () => Date.UTC(2029, 0, 1) })
    const result = await handover.take(`theme=dark; ${cookie()}; _other=1`)
    expect(load).toHaveBeenCalledWith(ID)
    expect(result?.data).toEqual({ user: 'ada', count: 3 }) // the cookie settings stay behind
    expect(result?.expire).toEqual(['connect.sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0'])
    expect(result?.done).toBeUndefined()
  })

  it('tries every secret (rotation), and uses map, destroy, name and cookie attributes', async () => {
    const destroy = vi.fn()
    const handover = expressSessionHandover<{ who: string }>({
      secret: ['new secret', OLD_SECRET],
      name: 'sid',
      load: () => record,
      map: (old, id) => ({ who: `${String(old.user)}@${id.slice(0, 3)}` }),
      destroy,
      cookie: { path: '/app', domain: 'example.com' },
      now: () => 0,
    })
    const result = await handover.take(cookie().replace('connect.sid=', 'sid='))
    expect(result?.data).toEqual({ who: 'ada@aBc' })
    expect(result?.expire).toEqual(['sid=; Path=/app; Domain=example.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0'])
    await result?.done?.()
    expect(destroy).toHaveBeenCalledWith(ID)
  })

  it('refuses a forged, re-signed, unsigned or malformed cookie without loading anything (and expires it)', async () => {
    const load = vi.fn(() => record)
    const handover = expressSessionHandover({ secret: OLD_SECRET, load })
    const signed = `s:${signature.sign(ID, OLD_SECRET)}`
    const sig = signed.slice(signed.lastIndexOf('.') + 1)
    const last = sig.at(-1)!
    const nonCanonical = String.fromCharCode(last.charCodeAt(0) + 1) // the same bytes in base64, not cookie-signature's spelling
    const forged = [
      cookie(ID, 'another secret'),
      cookie(`${ID}x`).replace(encodeURIComponent(`${ID}x`), ID), // another id's signature
      `connect.sid=${encodeURIComponent(`s:${ID}x.${sig}`)}`, // the id changed
      `connect.sid=${encodeURIComponent(`${signature.sign(ID, OLD_SECRET)}`)}`, // no s: prefix
      `connect.sid=${ID}`,
      `connect.sid=${encodeURIComponent(`s:${ID}.${sig.slice(0, -1)}${nonCanonical}`)}`,
      `connect.sid=${encodeURIComponent(`s:${ID}.${sig}=`)}`,
      'connect.sid=s%3A.',
      'connect.sid=%E0%A4%A',
    ]
    for (const header of forged) expect((await handover.take(header))?.data, header).toBeUndefined()
    expect((await handover.take(forged[0]!))?.expire).toHaveLength(1)
    expect(load).not.toHaveBeenCalled()
    expect(await handover.take('other=1')).toBeUndefined()
  })

  it('gives nothing for a missing or expired record', async () => {
    const handover = (found: ExpressSessionRecord | null) =>
      expressSessionHandover({ secret: OLD_SECRET, load: () => found, now: () => Date.UTC(2031, 0, 1) })
    expect((await handover(null).take(cookie()))?.data).toBeUndefined()
    expect((await handover(record).take(cookie()))?.data).toBeUndefined() // expired in 2030
    expect((await handover({ ...record, cookie: { expires: null } }).take(cookie()))?.data).toEqual({ user: 'ada', count: 3 })
  })

  it('leaves out the keys sesh reserves', async () => {
    const handover = expressSessionHandover({
      secret: OLD_SECRET,
      load: () => ({ ...record, iat: 1, __flash: {}, _idx: 'x' }),
      now: () => 0,
    })
    expect((await handover.take(cookie()))?.data).toEqual({ user: 'ada', count: 3 })
  })

  it('refuses to be made without a secret or a loader', () => {
    expect(() => expressSessionHandover({ secret: '', load: () => undefined })).toThrow(TypeError)
    expect(() => expressSessionHandover({ secret: [], load: () => undefined })).toThrow(TypeError)
    expect(() => expressSessionHandover({ secret: 's', load: undefined as never })).toThrow(TypeError)
  })
})
