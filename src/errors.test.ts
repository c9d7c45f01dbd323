import { describe, expect, expectTypeOf, it } from 'vitest'
import * as errors from './errors.js'
import { storeUnavailableResponse } from './unavailable.js'

describe('errors', () => {
  it('have a stable code, on the class and the instance, and a name', () => {
    const cases: [new (...args: never[]) => errors.SessionError, string][] = [
      [errors.SessionError, 'ERR_SESSION'],
      [errors.SessionSecretError, 'ERR_SESSION_SECRET'],
      [errors.SessionTooLargeError, 'ERR_SESSION_TOO_LARGE'],
      [errors.SessionNotSerializableError, 'ERR_SESSION_NOT_SERIALIZABLE'],
      [errors.SessionStoreUnavailableError, 'ERR_SESSION_STORE_UNAVAILABLE'],
      [errors.SessionConflictError, 'ERR_SESSION_CONFLICT'],
      [errors.SessionStorePeerMissingError, 'ERR_SESSION_STORE_PEER_MISSING'],
      [errors.SessionServerStoreRequiredError, 'ERR_SESSION_SERVER_STORE_REQUIRED'],
    ]
    // every class exported from the module is in the table, and the codes are the SessionErrorCode union
    const classes = Object.values(errors).filter((value) => typeof value === 'function')
    expect(new Set(classes)).toEqual(new Set(cases.map(([Class]) => Class)))
    const codes: Record<errors.SessionErrorCode, true> = {
      ERR_SESSION: true,
      ERR_SESSION_SECRET: true,
      ERR_SESSION_TOO_LARGE: true,
      ERR_SESSION_NOT_SERIALIZABLE: true,
      ERR_SESSION_STORE_UNAVAILABLE: true,
      ERR_SESSION_STORE_PEER_MISSING: true,
      ERR_SESSION_CONFLICT: true,
      ERR_SESSION_SERVER_STORE_REQUIRED: true,
    }
    expect(new Set(cases.map(([, code]) => code))).toEqual(new Set(Object.keys(codes)))
    for (const [Class, code] of cases) {
      const error = new (Class as unknown as new (m: string, a?: unknown, b?: unknown) => errors.SessionError)('m', 1, 2)
      expect(error).toBeInstanceOf(errors.SessionError)
      expect(error).toBeInstanceOf(Error)
      expect(error.code).toBe(code)
      expect((Class as unknown as { code: string }).code).toBe(code)
      expect(error.name).toBe(Class.name)
    }
  })

  it('are typed: each code a literal, and narrowing AnySessionError on code gives the class', () => {
    expectTypeOf(new errors.SessionTooLargeError('big', 1, 2).code).toEqualTypeOf<'ERR_SESSION_TOO_LARGE'>()
    expectTypeOf<errors.SessionError['code']>().toEqualTypeOf<errors.SessionErrorCode>()
    const limitOf = (error: errors.AnySessionError) => (error.code === 'ERR_SESSION_TOO_LARGE' ? error.limit : undefined)
    const keyOf = (error: errors.AnySessionError) => (error.code === 'ERR_SESSION_NOT_SERIALIZABLE' ? error.key : undefined)
    expect(limitOf(new errors.SessionTooLargeError('big', 4096, 5000))).toBe(4096)
    expect(keyOf(new errors.SessionNotSerializableError('no', 'when'))).toBe('when')
    expect(limitOf(new errors.SessionConflictError('raced'))).toBeUndefined()
  })

  it('carry their cause and details', () => {
    const cause = new Error('ECONNREFUSED')
    expect(new errors.SessionStoreUnavailableError('down', { cause }).cause).toBe(cause)
    const large = new errors.SessionTooLargeError('big', 4096, 5000)
    expect([large.limit, large.size]).toEqual([4096, 5000])
    expect(new errors.SessionNotSerializableError('bad', 'cart').key).toBe('cart')
  })

  it('a store outage carries its response: the default 503, identical, fresh on every call', async () => {
    const error = new errors.SessionStoreUnavailableError('down')
    const expected = await storeUnavailableResponse(error, new Request('http://localhost/'))
    const [first, second] = [error.getResponse(), error.getResponse()]
    expect(first).not.toBe(second) // a body is read once
    for (const response of [first, second]) {
      expect(response.status).toBe(503)
      expect([...response.headers]).toEqual([...expected.headers])
      expect(response.headers.get('retry-after')).toBe('5')
      expect(await response.text()).toBe(await expected.clone().text())
    }
  })

  it("a missing client library is a store error whose response is a 500 without Retry-After, the default handler's too", async () => {
    const error = new errors.SessionStorePeerMissingError('seshjs/redis: redis is not installed.', 'redis')
    expect(error).toBeInstanceOf(errors.SessionStoreUnavailableError) // never read as "no session"
    expect(error.packageName).toBe('redis')
    for (const response of [error.getResponse(), await storeUnavailableResponse(error, new Request('http://localhost/'))]) {
      expect(response.status).toBe(500)
      expect(response.headers.get('retry-after')).toBeNull()
      expect(await response.text()).toBe('Internal Server Error: sessions are not set up on this server.\n') // names no package
    }
  })
})
