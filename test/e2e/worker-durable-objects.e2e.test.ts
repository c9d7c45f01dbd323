/**
 * The counter's Worker entry on Durable Objects (`ARC_SESSION_TABLE_NAME=SESSIONS_DO`):
 * in workerd through Miniflare (the counter suite: the socket counts), and
 * through `npm run start:worker` (wrangler dev, wrangler.toml's binding and
 * migration): the page names the store, the socket counts in the object, and
 * POST /reset closes it with 4401 without a message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CookieJar, SECRET } from '../helpers.js'
import { connect } from '../ws/client.js'
import { count, counterSuite, show } from './counter-suite.js'
import { type Runtime, startWorker, startWranglerDev } from './runtimes.js'

counterSuite(
  'Workers (workerd), Durable Object store',
  () => startWorker({ ARC_APP_SECRET: SECRET, ARC_SESSION_TABLE_NAME: 'SESSIONS_DO' }),
  'counts',
)

describe('npm run start:worker with ARC_SESSION_TABLE_NAME=SESSIONS_DO', () => {
  let worker: Runtime
  beforeAll(async () => {
    worker = await startWranglerDev({ ARC_APP_SECRET: SECRET, ARC_SESSION_TABLE_NAME: 'SESSIONS_DO' })
  })
  afterAll(async () => {
    await worker?.stop()
  })

  it('serves the counter on the Durable Object: the page names it, the socket counts, a reset closes the socket with 4401', async () => {
    const jar = new CookieJar()
    expect(await count(jar, worker.url)).toBe(1)
    const page = await (await jar.fetch(`${worker.url}/`)).text()
    expect(page).toContain('kept in the Durable Objects of SESSIONS_DO')
    expect(page).toContain('id="ws"')
    expect(decodeURIComponent(jar.cookies.get('_idx')!)).toMatch(/^[\w-]{24}\.[\w+/]{43}$/) // a signed id

    const ws = await connect(`${worker.url}/ws`, jar.header(), 30_000)
    expect(await ws.next()).toEqual({ count: 1 })
    ws.send('count')
    expect(await ws.next()).toEqual({ count: 2 })
    expect(await show(jar, worker.url)).toBe(2)

    await jar.fetch(`${worker.url}/reset`, { method: 'POST' })
    expect(await ws.closed()).toEqual({ code: 4401, reason: 'session ended' }) // without a message: the object closed it
    expect(await show(jar, worker.url)).toBe(0)
  }, 90_000)
})
