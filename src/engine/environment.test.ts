import { describe, expect, it } from 'vitest'
import { environmentKind, isProductionEnvironment } from './environment.js'
import { resolveOptions } from './options.js'

const SECRET = 'abcdefghijklmnopqrstuvwxyz0123456789'

describe('environment names', () => {
  it('reads ARC_ENV and NODE_ENV trimmed and case-insensitively', () => {
    for (const value of ['production', 'Production', 'PRODUCTION', ' production', 'production\n', 'Staging'])
      expect(environmentKind('ARC_ENV', value), value).toBe('production')
    for (const value of ['production', 'Production', ' PRODUCTION ']) expect(environmentKind('NODE_ENV', value)).toBe('production')
    for (const value of ['testing', 'Testing', ' development ', 'test', 'local'])
      expect(environmentKind('ARC_ENV', value), value).toBe('development')
    expect(environmentKind('NODE_ENV', 'Development')).toBe('development')
    expect(environmentKind('ARC_ENV', '')).toBeUndefined()
    expect(environmentKind('ARC_ENV', '   ')).toBeUndefined()
    expect(environmentKind('ARC_ENV', undefined)).toBeUndefined()
  })

  it('stops start-up on a name that is neither, naming the variable and the accepted values', () => {
    for (const value of ['prod', 'prodution', 'live', 'staging2', 'true'])
      expect(() => environmentKind('ARC_ENV', value), value).toThrow(/ARC_ENV .*unknown environment name.*production, staging, testing/)
    expect(() => environmentKind('NODE_ENV', 'prod')).toThrow(/NODE_ENV/)
  })

  it('is production when either variable says so; the other is still validated', () => {
    expect(isProductionEnvironment({ ARC_ENV: 'testing', NODE_ENV: 'Production' })).toBe(true)
    expect(isProductionEnvironment({ ARC_ENV: ' production ' })).toBe(true)
    expect(isProductionEnvironment({ ARC_ENV: 'testing', NODE_ENV: 'test' })).toBe(false)
    expect(isProductionEnvironment({})).toBe(false)
    expect(isProductionEnvironment(undefined)).toBe(false)
    expect(() => isProductionEnvironment({ ARC_ENV: 'production', NODE_ENV: 'prod' })).toThrow(TypeError)
    expect(isProductionEnvironment(Object.create({ ARC_ENV: 'production' }))).toBe(false) // own properties only
  })

  it('makes the configuration production for the names the issue found failing open', () => {
    for (const env of [{ ARC_ENV: 'Production' }, { ARC_ENV: 'PRODUCTION' }, { ARC_ENV: ' production' }, { NODE_ENV: 'Production' }]) {
      const o = resolveOptions({ secret: SECRET, env, cookie: { hostPrefix: false } })
      expect(o.production, JSON.stringify(env)).toBe(true)
      expect(o.cookieAttributes.secure).toBe(true)
      // and the development key is refused there
      expect(() => resolveOptions({ env, onWarning() {} }), JSON.stringify(env)).toThrow(/production needs one/)
    }
    expect(() => resolveOptions({ secret: SECRET, env: { ARC_ENV: 'prod' } })).toThrow(/ARC_ENV/)
  })
})
