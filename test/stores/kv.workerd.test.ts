/** kvStore inside real workerd (Miniflare 4), against Miniflare's KV. */
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundleWorker } from '../workerd.js'
import { SECRET } from '../helpers.js'

let mf: Miniflare

beforeAll(async () => {
  const script = await bundleWorker(new URL('./fixtures/kv-worker.ts', import.meta.url))
  mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: '2025-01-01',
    kvNamespaces: ['SESSIONS'],
    bindings: { ARC_APP_SECRET: SECRET },
  })
  await mf.ready
})

afterAll(async () => {
  await mf?.dispose()
})

describe('kvStore inside workerd', () => {
  it('counts, regenerates and resets, with the record in KV', async () => {
    let cookie = ''
    const send = async (path: string, method = 'GET') => {
      const response = await mf.dispatchFetch(`http://localhost${path}`, {
        method,
        headers: cookie ? { cookie } : {},
        redirect: 'manual',
      })
      const set = response.headers.get('set-cookie')
      if (set) cookie = /Max-Age=0/.test(set) ? '' : set.split(';')[0]!
      return response
    }
    const page = async () => (await (await send('/')).json()) as { count: number; note: string | null; id: string }

    expect((await page()).count).toBe(0)
    expect(cookie).toBe('') // no cookie and no KV write for an empty session
    const kv = (await mf.getKVNamespace('SESSIONS')) as unknown as {
      list(): Promise<{ keys: unknown[] }>
      get(key: string): Promise<string | null>
    }
    expect((await kv.list()).keys).toHaveLength(0)

    expect((await send('/count', 'POST')).status).toBe(302)
    await send('/count', 'POST')
    const first = await page()
    expect(first).toMatchObject({ count: 2, note: 'ünïcødé ✓ 🍪' })
    const stored = JSON.parse((await kv.get(`session:${first.id}`))!)
    expect(stored).toMatchObject({ count: 2, note: 'ünïcødé ✓ 🍪' })
    expect(stored._ttl).toBeGreaterThan(Date.now() / 1000)

    await send('/regenerate', 'POST')
    const second = await page()
    expect(second.count).toBe(2)
    expect(second.id).not.toBe(first.id)
    // the old id holds only a short-lived forward (regenerateGrace), none of the data
    expect(JSON.parse((await kv.get(`session:${first.id}`))!)).toEqual({ _ttl: expect.any(Number), _moved: true })

    await send('/reset', 'POST')
    expect(cookie).toBe('')
    expect((await page()).count).toBe(0)
    expect((await kv.list()).keys).toEqual([expect.objectContaining({ name: `session:${first.id}` })]) // the forward alone
  })
})
