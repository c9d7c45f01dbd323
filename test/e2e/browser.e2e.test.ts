/**
 * A real browser against the Node server: Debian's Chromium driven by
 * playwright-core (never a downloaded browser). Count three times, reset, and
 * the session cookie is HttpOnly.
 */
import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECRET } from '../helpers.js'
import { type Runtime, startNode } from './runtimes.js'

const CHROMIUM = '/usr/bin/chromium'

describe('the counter in Chromium', () => {
  let node: Runtime
  let browser: Browser
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`)
    ;[node, browser] = await Promise.all([
      startNode({ ARC_APP_SECRET: SECRET }),
      chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      }),
    ])
  })
  afterAll(async () => {
    await browser?.close()
    await node?.stop()
  })

  it('counts three clicks, resets to zero, and keeps the cookie HttpOnly', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${node.url}/`)
    const counter = page.getByRole('button', { name: /^Count \d+$/ })
    await expect.poll(() => counter.textContent()).toBe('Count 0')
    for (const n of [1, 2, 3]) {
      await counter.click() // a form POST, a 302, and the page again
      await expect.poll(() => counter.textContent(), { timeout: 10_000 }).toBe(`Count ${n}`)
    }
    expect(await page.getByRole('button', { name: 'Count 3' }).isVisible()).toBe(true)

    const cookies = await context.cookies()
    const session = cookies.find((c) => c.name === '_idx')
    expect(session).toBeDefined()
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' })
    expect(await page.evaluate(() => document.cookie)).not.toContain('_idx') // invisible to scripts

    await page.getByRole('button', { name: 'Reset' }).click()
    await expect.poll(() => counter.textContent(), { timeout: 10_000 }).toBe('Count 0')
    expect((await context.cookies()).some((c) => c.name === '_idx')).toBe(false)
    await context.close()
  })
})
