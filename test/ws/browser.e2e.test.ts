/**
 * Chromium (Debian's, driven by playwright-core) on the counter's page: with
 * DynamoDB sessions (`npm run start:dynamo`, dynalite), after one click on
 * Count, "Count over WebSocket" counts on from the page's count without a
 * navigation, and a reload shows it from HTTP; with the cookie store
 * (`npm start`) there is no such button, and the page says where to find one.
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
      chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      }),
    ])
  })
  afterAll(async () => {
    await browser?.close()
    await Promise.all([dynamo?.stop(), cookie?.stop()])
  })

  it('DynamoDB: after one click on Count, two clicks over the socket show Count 3 without a navigation; a reload shows Count 3 from HTTP', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${dynamo.url}/`)
    await expect.poll(() => page.textContent('body')).toContain('DynamoDB table "sessions"')
    const counter = page.getByRole('button', { name: /^Count \d+$/ })
    expect(await counter.textContent()).toBe('Count 0')
    await counter.click() // the form: a POST and a navigation
    await expect.poll(() => page.getByRole('button', { name: /^Count \d+$/ }).textContent()).toBe('Count 1')
    const navigated = navigations(page)
    const overSocket = page.getByRole('button', { name: 'Count over WebSocket' })
    for (const n of [2, 3]) {
      await overSocket.click()
      await expect.poll(() => counter.textContent(), { timeout: 10_000 }).toBe(`Count ${n}`)
    }
    expect(navigated()).toBe(0)
    await page.reload()
    expect(await page.getByRole('button', { name: /^Count \d+$/ }).textContent()).toBe('Count 3')
    await context.close()
  })

  it('cookie store: no WebSocket button; the page says why and names npm run start:redis and start:dynamo', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${cookie.url}/`)
    await page.getByRole('button', { name: /^Count \d+$/ }).click()
    await expect.poll(() => page.getByRole('button', { name: /^Count \d+$/ }).textContent()).toBe('Count 1')
    expect(await page.getByRole('button').allTextContents()).toEqual(['Count 1', 'Reset'])
    const note = await page.locator('#ws-note').textContent()
    expect(note).toMatch(/needs a server-side store/)
    expect(note).toContain('npm run start:redis')
    expect(note).toContain('npm run start:dynamo')
    await context.close()
  })
})
