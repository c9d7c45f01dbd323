/**
 * The "Your devices" example in a real browser (Debian's Chromium, driven by
 * playwright-core): two browsers log in as the same user, one lists the other,
 * signs it out, and "remember me" decides whether the cookie outlives the browser.
 */
import { existsSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memoryStore } from 'seshjs'
import { createDevicesApp } from '../../examples/devices/app.js'
import { SECRET } from '../helpers.js'
import { startWorker } from './runtimes.js'

const CHROMIUM = '/usr/bin/chromium'

/** The example on Node, in memory: its URL and how to stop it. */
async function startNode(): Promise<{ url: string; stop(): Promise<void> }> {
  const app = createDevicesApp({ secret: SECRET, store: memoryStore(), production: false })
  let server: ServerType
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve())
  })
  const url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`
  return { url, stop: () => new Promise((resolve) => server.close(() => resolve())) }
}

for (const [where, start] of [
  ['Node, memory store', startNode],
  ['Workers (workerd), KV store', () => startWorker({ ARC_APP_SECRET: SECRET }, 'examples/devices/worker.ts')],
] as const)
  describe(`"Your devices" in Chromium: ${where}`, () => {
    let runtime: { url: string; stop(): Promise<void> }
    let url: string
    let browser: Browser
    beforeAll(async () => {
      if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`)
      ;[runtime, browser] = await Promise.all([
        start(),
        chromium.launch({
          executablePath: CHROMIUM,
          args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
        }),
      ])
      url = runtime.url
    })
    afterAll(async () => {
      await browser?.close()
      await runtime?.stop()
    })

    async function logIn(userAgent: string, remember: boolean) {
      const context = await browser.newContext({ userAgent })
      const page = await context.newPage()
      await page.goto(`${url}/`)
      await page.getByLabel('Name').fill('ada')
      if (remember) await page.getByLabel('Remember me').check()
      await page.getByRole('button', { name: 'Log in' }).click()
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 10_000 }).toBe('Your devices')
      return { context, page }
    }

    it('lists the other device, signs it out, and signs out all the others', async () => {
      const laptop = await logIn('Laptop browser', true)
      const phone = await logIn('Phone browser', false)
      const tablet = await logIn('Tablet browser', false)

      // "remember me": a cookie that outlives the browser; without it, a browser-session cookie
      const remembered = (await laptop.context.cookies()).find((c) => c.name === '_idx')!
      expect(remembered.expires).toBeGreaterThan(Date.now() / 1000 + 29 * 24 * 3600)
      expect((await phone.context.cookies()).find((c) => c.name === '_idx')!.expires).toBe(-1) // a session cookie

      await laptop.page.reload()
      await expect.poll(() => laptop.page.getByRole('heading', { level: 2 }).textContent()).toBe('Other devices (2)')
      const phoneRow = laptop.page.locator('li', { hasText: 'Phone browser' })
      await expect.poll(() => phoneRow.count()).toBe(1)
      expect(await laptop.page.locator('li', { hasText: 'Laptop browser' }).count()).toBe(0) // never itself
      await phoneRow.getByRole('button', { name: 'Sign out' }).click()
      await expect.poll(() => laptop.page.getByRole('heading', { level: 2 }).textContent(), { timeout: 10_000 }).toBe('Other devices (1)')

      // the phone is logged out: its next page is the login form
      await phone.page.reload()
      await expect.poll(() => phone.page.getByRole('heading', { level: 1 }).textContent()).toBe('Log in')

      await laptop.page.getByRole('button', { name: 'Sign out all other devices' }).click()
      await expect.poll(() => laptop.page.getByRole('heading', { level: 2 }).textContent(), { timeout: 10_000 }).toBe('Other devices (0)')
      await tablet.page.reload()
      await expect.poll(() => tablet.page.getByRole('heading', { level: 1 }).textContent()).toBe('Log in')
      // the laptop stays logged in
      await laptop.page.reload()
      await expect.poll(() => laptop.page.getByRole('heading', { level: 1 }).textContent()).toBe('Your devices')
      for (const device of [laptop, phone, tablet]) await device.context.close()
    })
  })
