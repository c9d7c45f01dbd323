/** kvStore inside real workerd with a failing binding: hung or failing KV is a 503 within the deadline, and the session survives. */
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundleWorker } from '../workerd.js'
import { SECRET } from '../helpers.js'

let mf: Miniflare

beforeAll(async () => {
  const script = await bundleWorker(new URL('./fixtures/kv-faulty-worker.ts', import.meta.url))
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

describe('kvStore in workerd with a failing binding', () => {
  it('answers 503 with Retry-After within the deadline while KV hangs or fails, and the count is intact afterwards', async () => {
    let cookie = ''
    const send = async (path: string, method = 'GET') => {
      const response = await mf.dispatchFetch(`http://localhost${path}`, { method, headers: cookie ? { cookie } : {}, redirect: 'manual' })
      const set = response.headers.get('set-cookie')
      if (set) cookie = set.split(';')[0]!
      return response
    }
    for (let i = 0; i < 3; i++) expect((await send('/count', 'POST')).status).toBe(302)
    const before = cookie

    for (const mode of ['hang', 'throw']) {
      await send(`/__fault/${mode}`, 'POST')
      for (const [path, method] of [
        ['/', 'GET'],
        ['/count', 'POST'],
      ] as const) {
        const started = Date.now()
        const response = await send(path, method)
        await response.arrayBuffer()
        expect(response.status, `${mode} ${method}`).toBe(503)
        expect(response.headers.get('retry-after')).toBe('5')
        expect(Date.now() - started).toBeLessThan(5000) // 500 ms deadline; workerd on a loaded machine
      }
    }
    expect(cookie).toBe(before)

    await send('/__fault/pass', 'POST')
    expect(await (await send('/')).json()).toEqual({ count: 3 })
    expect((await send('/count', 'POST')).status).toBe(302)
    expect(await (await send('/')).json()).toEqual({ count: 4 })
  }, 60_000)
})
