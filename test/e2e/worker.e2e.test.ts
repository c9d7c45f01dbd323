/** The counter's Worker entry in workerd (Miniflare), with the cookie store and with KV. */
import { compactDecrypt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jweKeyBytes } from '../../src/crypto/keyring.js'
import { CookieJar, SECRET } from '../helpers.js'
import { count, counterSuite, show } from './counter-suite.js'
import { startWorker } from './runtimes.js'

counterSuite('Workers (workerd), cookie store', () => startWorker({ ARC_APP_SECRET: SECRET }), 'cookie-store')
counterSuite('Workers (workerd), KV store', () => startWorker({ ARC_APP_SECRET: SECRET, ARC_SESSION_TABLE_NAME: 'SESSIONS' }), 'counts')

describe('the Worker reads its configuration from bindings', () => {
  let cookie: Awaited<ReturnType<typeof startWorker>>
  let kv: Awaited<ReturnType<typeof startWorker>>
  beforeAll(async () => {
    ;[cookie, kv] = await Promise.all([
      startWorker({ ARC_APP_SECRET: SECRET }),
      startWorker({ ARC_APP_SECRET: SECRET, ARC_SESSION_TABLE_NAME: 'SESSIONS' }),
    ])
  })
  afterAll(async () => {
    await Promise.all([cookie?.stop(), kv?.stop()])
  })

  it('seals the cookie with the ARC_APP_SECRET binding', async () => {
    const jar = new CookieJar()
    await count(jar, cookie.url)
    const { plaintext } = await compactDecrypt(jar.cookies.get('_idx')!, jweKeyBytes(SECRET, 'A256GCM'))
    expect(JSON.parse(new TextDecoder().decode(plaintext))).toMatchObject({ count: 1 })
  })

  it('keeps the session in the KV namespace ARC_SESSION_TABLE_NAME names', async () => {
    const jar = new CookieJar()
    await count(jar, kv.url)
    await count(jar, kv.url)
    const value = decodeURIComponent(jar.cookies.get('_idx')!)
    expect(value).toMatch(/^[^.]+\.[^.]+$/) // a signed id, not a JWE
    // typed loosely: @cloudflare/workers-types is not installed
    const namespace = (await kv.mf.getKVNamespace('SESSIONS')) as unknown as {
      list(): Promise<{ keys: { name: string }[] }>
      get(key: string): Promise<string | null>
    }
    const { keys } = await namespace.list()
    const mine = keys.find((k) => k.name.endsWith(value.split('.')[0]!))
    expect(mine).toBeDefined()
    expect(JSON.parse((await namespace.get(mine!.name))!)).toMatchObject({ count: 2 })
    expect(await show(jar, kv.url)).toBe(2)
  })
})
