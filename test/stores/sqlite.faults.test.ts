/**
 * sqliteStore on D1 inside real workerd with a failing binding: while D1 hangs
 * or throws, every request is a 503 with Retry-After within the store deadline
 * (no cookie, no write), and afterwards the session is intact: the count it
 * had, one row, and counting on.
 */
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundleWorker } from '../workerd.js'
import { SECRET } from '../helpers.js'

let mf: Miniflare

beforeAll(async () => {
  const script = await bundleWorker(new URL('./fixtures/d1-faulty-worker.ts', import.meta.url))
  mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: '2025-01-01',
    d1Databases: ['DB'],
    bindings: { ARC_APP_SECRET: SECRET },
  })
  await mf.ready
  expect(await (await mf.dispatchFetch('http://localhost/__setup', { method: 'POST' })).json()).toEqual({ created: true })
}, 60_000)

afterAll(async () => {
  await mf?.dispose()
})

describe('sqliteStore on D1 in workerd with a failing binding', () => {
  it('answers 503 with Retry-After within the deadline while D1 hangs or throws, and the session is intact afterwards', async () => {
    let cookie = ''
    const send = async (path: string, method = 'GET') => {
      const response = await mf.dispatchFetch(`http://localhost${path}`, { method, headers: cookie ? { cookie } : {}, redirect: 'manual' })
      const set = response.headers.get('set-cookie')
      if (set) cookie = set.split(';')[0]!
      return response
    }
    for (let i = 0; i < 3; i++) expect((await send('/count', 'POST')).status).toBe(302)
    const before = cookie
    const rows = await (await send('/__rows')).json()
    expect(rows).toHaveLength(1)

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
        expect(response.headers.get('set-cookie'), `${mode} ${method}`).toBeNull()
        expect(Date.now() - started).toBeLessThan(5000) // 500 ms deadline; workerd on a loaded machine
      }
    }
    expect(cookie).toBe(before)
    // A fresh visitor while D1 fails: 503 too, not a new session that would be lost
    const fresh = await mf.dispatchFetch('http://localhost/count', { method: 'POST', redirect: 'manual' })
    await fresh.arrayBuffer()
    expect(fresh.status).toBe(503)

    await send('/__fault/pass', 'POST')
    expect(await (await send('/__rows')).json()).toEqual(rows) // nothing written while D1 failed
    expect(await (await send('/')).json()).toEqual({ count: 3 })
    expect((await send('/count', 'POST')).status).toBe(302)
    expect(await (await send('/')).json()).toEqual({ count: 4 })
  }, 60_000)
})
