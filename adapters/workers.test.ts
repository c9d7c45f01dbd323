import { describe, expect, it } from 'vitest'
import { createCounterApp } from '../examples/counter/app.js'
import { cookiePair, SECRET } from '../test/helpers.js'
import { type WorkerEnv, storeFromEnv, workerOptions } from './workers.js'

/** An in-memory stand-in for a KV binding (unit tests only; the e2e tests use real workerd KV). */
function memoryKv() {
  const map = new Map<string, string>()
  return {
    map,
    async get(key: string) {
      return map.get(key) ?? null
    },
    async put(key: string, value: string) {
      map.set(key, value)
    },
    async delete(key: string) {
      map.delete(key)
    },
  }
}

const post = (path: string, cookie?: string) =>
  new Request(`https://counter.example${path}`, { method: 'POST', headers: cookie ? { cookie } : {} })
const get = (cookie?: string) => new Request('https://counter.example/', { headers: cookie ? { cookie } : {} })

describe('storeFromEnv', () => {
  it('is the cookie store (undefined) when ARC_SESSION_TABLE_NAME is unset or jwe', () => {
    expect(storeFromEnv({})).toBeUndefined()
    expect(storeFromEnv({ ARC_SESSION_TABLE_NAME: 'jwe' })).toBeUndefined()
  })

  it('is a KV store on the binding ARC_SESSION_TABLE_NAME names', () => {
    const store = storeFromEnv({ ARC_SESSION_TABLE_NAME: 'SESSIONS', SESSIONS: memoryKv() })
    expect(store).toBeDefined()
    expect(store!.stateless).not.toBe(true)
  })

  it('reads the older SESSION_TABLE_NAME too', () => {
    expect(storeFromEnv({ SESSION_TABLE_NAME: 'SESSIONS', SESSIONS: memoryKv() })).toBeDefined()
  })

  it('refuses a name with no KV binding behind it, naming the fix', () => {
    expect(() => storeFromEnv({ ARC_SESSION_TABLE_NAME: 'SESSIONS' })).toThrow(TypeError)
    expect(() => storeFromEnv({ ARC_SESSION_TABLE_NAME: 'SESSIONS', SESSIONS: 'not a namespace' })).toThrow(/kv_namespaces/)
  })
})

describe('workerOptions', () => {
  it('carries env for the ARC_* variables and lets explicit options win', () => {
    const env = { ARC_APP_SECRET: SECRET }
    expect(workerOptions(env).env).toBe(env)
    expect(workerOptions(env, { ttl: 60 }).ttl).toBe(60)
    const store = storeFromEnv({ ARC_SESSION_TABLE_NAME: 'S', S: memoryKv() })!
    expect(workerOptions({ ARC_SESSION_TABLE_NAME: 'jwe' }, { store }).store).toBe(store)
  })

  it('rejects a missing env', () => {
    expect(() => workerOptions(undefined as unknown as WorkerEnv)).toThrow(TypeError)
  })
})

describe('the counter as a Worker module', () => {
  it('reads nothing at module scope: options are made on the first request', async () => {
    let calls = 0
    const app = createCounterApp<WorkerEnv>((env) => {
      calls++
      return workerOptions(env)
    })
    expect(calls).toBe(0)
    const env = { ARC_APP_SECRET: SECRET }
    await app.fetch(get(), env)
    await app.fetch(get(), env)
    expect(calls).toBe(1) // cached per env object
  })

  it('keeps sessions in the KV namespace ARC_SESSION_TABLE_NAME names', async () => {
    const kv = memoryKv()
    const env = { ARC_APP_SECRET: SECRET, ARC_SESSION_TABLE_NAME: 'SESSIONS', SESSIONS: kv }
    const app = createCounterApp<WorkerEnv>((e) => workerOptions(e))
    const first = await app.fetch(post('/count'), env)
    const cookie = cookiePair(first.headers.get('set-cookie'))!
    expect(kv.map.size).toBe(1)
    const [stored] = [...kv.map.values()]
    expect(JSON.parse(stored!)).toMatchObject({ count: 1 })
    const page = await app.fetch(get(cookie), env)
    expect(await page.text()).toContain('Count 1')
  })

  it('uses each env its own secret', async () => {
    const app = createCounterApp<WorkerEnv>((e) => workerOptions(e))
    const envA = { ARC_APP_SECRET: SECRET }
    const envB = { ARC_APP_SECRET: 'another-secret-0123456789-abcdefghijk' }
    const cookie = cookiePair((await app.fetch(post('/count'), envA)).headers.get('set-cookie'))!
    expect(await (await app.fetch(get(cookie), envA)).text()).toContain('Count 1')
    expect(await (await app.fetch(get(cookie), envB)).text()).toContain('Count 0')
  })
})
