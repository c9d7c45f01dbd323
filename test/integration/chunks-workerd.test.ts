/** Chunked cookie sessions inside real workerd (Miniflare): several Set-Cookie out, several cookies in. */
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundleWorker } from '../workerd.js'

let mf: Miniflare

beforeAll(async () => {
  const script = await bundleWorker(new URL('./fixtures/chunks-worker.ts', import.meta.url))
  mf = new Miniflare({ modules: true, script, compatibilityDate: '2025-01-01' })
  await mf.ready
})

afterAll(async () => {
  await mf?.dispose()
})

describe('chunked cookies inside workerd', () => {
  it('a 10 KB session: four cookies out, all read back, shrinking expires three', async () => {
    const jar = new Map<string, string>()
    const send = async (path: string, method = 'GET') => {
      const cookie = [...jar].map(([n, v]) => `${n}=${v}`).join('; ')
      const response = await mf.dispatchFetch(`http://localhost${path}`, { method, headers: cookie ? { cookie } : {}, redirect: 'manual' })
      const set = response.headers.getSetCookie()
      for (const line of set) {
        const pair = line.split(';')[0]!
        const name = pair.slice(0, pair.indexOf('='))
        if (/Max-Age=0/.test(line)) jar.delete(name)
        else jar.set(name, pair.slice(pair.indexOf('=') + 1))
      }
      return { set, body: await response.text() }
    }
    const size = async () => Number(/id="size">(\d+)/.exec((await send('/')).body)![1])

    expect((await send('/grow', 'POST')).set).toHaveLength(4)
    expect([...jar.keys()]).toEqual(['_idx', '_idx.1', '_idx.2', '_idx.3'])
    expect(await size()).toBe(10 * 1024)
    const shrunk = await send('/shrink', 'POST')
    expect(shrunk.set.filter((c) => /Max-Age=0/.test(c))).toHaveLength(3)
    expect([...jar.keys()]).toEqual(['_idx'])
    expect(await size()).toBe(5)
  })
})
