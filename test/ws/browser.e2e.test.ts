/**
 * Chromium (Debian's, driven by playwright-core) clicking "Count over
 * WebSocket": with DynamoDB sessions (`npm run start:dynamo`, dynalite) the
 * count goes up over the socket without a navigation and a reload shows it
 * from HTTP; with the cookie store (`npm start`) the page shows the error.
 */
import { existsSync } from 'node:fs'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECRET } from '../helpers.js'
import { freePort, type Runtime, startNode, startScript } from '../e2e/runtimes.js'

const CHROMIUM = '/usr/bin/chromium'

/** Counts main-frame navigations after the first load. */
function navigations(page: Page): () => number {
  let count = 0
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) count++
  })
  return () => count
}

describe('"Count over WebSocket" in Chromium', () => {
  let dynamo: Runtime
  let cookie: Runtime
  let browser: Browser
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`)
    ;[dynamo, cookie, browser] = await Promise.all([
      startScript('start:dynamo', 'scripts/start-dynamo.ts', { PORT: String(await freePort()), ARC_APP_SECRET: SECRET }),
      startNode({ ARC_APP_SECRET: SECRET }),
      chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] }),
    ])
  })
  afterAll(async () => {
    await browser?.close()
    await Promise.all([dynamo?.stop(), cookie?.stop()])
  })

  it('DynamoDB: three clicks show Count 3 without a navigation; a reload shows Count 3 from HTTP', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${dynamo.url}/`)
    await expect.poll(() => page.textContent('body')).toContain('DynamoDB table "sessions"')
    const navigated = navigations(page)
    const counter = page.getByRole('button', { name: /^Count \d+$/ })
    expect(await counter.textContent()).toBe('Count 0')
    const overSocket = page.getByRole('button', { name: 'Count over WebSocket' })
    for (const n of [1, 2, 3]) {
      await overSocket.click()
      await expect.poll(() => counter.textContent(), { timeout: 10_000 }).toBe(`Count ${n}`)
    }
    expect(navigated()).toBe(0)
    await page.reload()
    expect(await page.getByRole('button', { name: /^Count \d+$/ }).textContent()).toBe('Count 3')
    await context.close()
  })

  it('cookie store: the click shows that a server-side store is needed', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${cookie.url}/`)
    await page.getByRole('button', { name: /^Count \d+$/ }).click()
    await expect.poll(() => page.getByRole('button', { name: /^Count \d+$/ }).textContent()).toBe('Count 1')
    await page.getByRole('button', { name: 'Count over WebSocket' }).click()
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 10_000 }).toMatch(/server-side store/)
    expect(await page.getByRole('button', { name: /^Count \d+$/ }).textContent()).toBe('Count 1')
    await context.close()
  })
})
