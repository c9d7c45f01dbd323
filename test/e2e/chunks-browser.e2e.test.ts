/**
 * Chunked cookie sessions in a real browser: Debian's Chromium, driven by
 * playwright-core, against the chunks app on a real Node server. A 10 KB
 * session is stored by the browser as four cookies and sent back whole on
 * every request; shrinking it expires the extra cookies.
 */
import { existsSync } from 'node:fs'
import { type Browser, type BrowserContext, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, serve } from 'seshjs/node'
import { SECRET } from '../helpers.js'
import { createChunksApp } from '../integration/chunks-app.js'

const CHROMIUM = '/usr/bin/chromium'

async function sessionCookies(context: BrowserContext) {
  return (await context.cookies()).filter((c) => /^_idx(\.\d+)?$/.test(c.name)).sort((a, b) => a.name.localeCompare(b.name))
}

describe('chunked cookies in Chromium', () => {
  let server: RunningServer
  let browser: Browser
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`)
    ;[server, browser] = await Promise.all([
      serve(createChunksApp(SECRET).fetch, { port: 0, hostname: '127.0.0.1' }),
      chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      }),
    ])
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('a 10 KB session round-trips: all chunks stored and returned, the count survives, shrinking expires the extras', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const text = async (id: string) => (await page.locator(`#${id}`).textContent())?.trim()
    await page.goto(`${server.url}/`)
    expect(await text('size')).toBe('0')
    expect(await sessionCookies(context)).toEqual([])

    await page.getByRole('button', { name: 'grow' }).click() // a form POST, a 303, the page again
    await expect.poll(() => text('size'), { timeout: 10_000 }).toBe(String(10 * 1024))
    const grown = await sessionCookies(context)
    expect(grown.map((c) => c.name)).toEqual(['_idx', '_idx.1', '_idx.2', '_idx.3'])
    for (const cookie of grown) expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', domain: '127.0.0.1' })
    expect(grown.reduce((sum, c) => sum + c.name.length + c.value.length, 0)).toBeGreaterThan(13_000)

    for (const n of [1, 2, 3]) {
      await page.getByRole('button', { name: 'count' }).click()
      await expect.poll(() => text('count'), { timeout: 10_000 }).toBe(String(n))
      expect(await text('size')).toBe(String(10 * 1024)) // the browser sent every chunk back
      expect((await sessionCookies(context)).map((c) => c.name)).toEqual(['_idx', '_idx.1', '_idx.2', '_idx.3'])
    }
    await page.reload()
    expect(await text('count')).toBe('3')

    await page.getByRole('button', { name: 'shrink' }).click()
    await expect.poll(() => text('size'), { timeout: 10_000 }).toBe('5')
    expect((await sessionCookies(context)).map((c) => c.name)).toEqual(['_idx'])
    expect(await text('count')).toBe('3')

    await page.getByRole('button', { name: 'reset' }).click()
    await expect.poll(() => text('count'), { timeout: 10_000 }).toBe('0')
    expect(await sessionCookies(context)).toEqual([])
    await context.close()
  })
})
