import { afterEach, describe, expect, it, vi } from 'vitest'
import { environmentKind, isProductionEnvironment, runtimeEnv } from './environment.js'
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

describe('runtimeEnv(): the one reader of the runtime environment', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('is process.env on Node, the very object', () => {
    expect(runtimeEnv()).toEqual({ env: process.env, name: 'process.env' })
    expect(runtimeEnv()!.env).toBe(process.env)
  })

  it('is a snapshot of Deno.env on Deno, and nothing when Deno refuses (no --allow-env)', () => {
    vi.stubGlobal('Deno', { env: { toObject: () => ({ ARC_ENV: 'production' }) } })
    expect(runtimeEnv()).toEqual({ env: { ARC_ENV: 'production' }, name: 'Deno.env' })
    vi.stubGlobal('Deno', {
      env: {
        toObject() {
          throw new Error('NotCapable: Requires env access')
        },
      },
    })
    expect(runtimeEnv()).toBeUndefined()
  })

  it('is nothing where there is no process (a Worker without nodejs_compat, a browser)', () => {
    vi.stubGlobal('process', undefined)
    expect(runtimeEnv()).toBeUndefined()
  })

  it('the test run itself is not production and names no session table (tests rely on development defaults)', () => {
    expect(isProductionEnvironment(process.env)).toBe(false)
    expect(process.env.ARC_SESSION_TABLE_NAME ?? 'jwe').toBe('jwe')
  })
})
