/**
 * seshjs/next in a real Next.js app (test/next/app): `next build` (once, and
 * again only when its sources change), `next start` on a free loopback port,
 * driven over HTTP with a cookie jar. The counter suite every runtime passes,
 * then what is Next's own: a Server Action, a login that regenerates, and the
 * middleware (Edge runtime, WebCrypto) handing its cookie on to the render.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildNextApp, nextAppDir, startNextApp } from '../../scripts/next-app.js'
import { createCounterApp } from '../../examples/counter/app.js'
import { count, counterSuite, countOf, show } from '../e2e/counter-suite.js'
import { freePort, type Runtime, startScript } from '../e2e/runtimes.js'
import { CookieJar, SECRET } from '../helpers.js'

let built: Promise<boolean> | undefined

/** The app built (once per run), served by `next start` with the test secret (and `extra` environment). */
async function startNext(extra: Record<string, string> = {}): Promise<Runtime> {
  built ??= buildNextApp()
  await built
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('ARC_')))
  const running = await startNextApp(await freePort(), '127.0.0.1', { ...env, ARC_APP_SECRET: SECRET, ...extra })
  return { name: 'Next.js', url: running.url, stop: running.stop }
}

counterSuite('Next.js (test/next/app, next start)', startNext, 'none')

describe('seshjs/next in next start', () => {
  let next: Runtime
  beforeAll(async () => {
    next = await startNext()
  })
  afterAll(async () => {
    await next?.stop()
  })

  it('reads and writes the same cookie as the other counters (one secret, the cookie store): Node → Next.js → Node', async () => {
    const node = createCounterApp({ secret: SECRET, onWarning() {} })
    const viaNode = async (jar: CookieJar, method: 'GET' | 'POST', path: string) => {
      const response = await node.fetch(new Request(`http://localhost${path}`, { method, headers: { cookie: jar.header() } }))
      jar.take(response)
      return response
    }
    const jar = new CookieJar()
    await viaNode(jar, 'POST', '/count') // 1, sealed by the Hono counter
    expect(await count(jar, next.url)).toBe(2) // Next.js opens it and seals 2
    await viaNode(jar, 'POST', '/count')
    expect(countOf(await (await viaNode(jar, 'GET', '/')).text())).toBe(3) // and the Hono counter opens Next.js's
  })

  it('names Next.js on the counter page', async () => {
    expect(await (await fetch(`${next.url}/`)).text()).toContain('sesh counter on Next.js')
  })

  it('hands the middleware’s cookie on to the render of the same request, and to the browser', async () => {
    const jar = new CookieJar()
    const first = await jar.fetch(`${next.url}/visit`)
    expect(await first.text()).toContain('Seen 1') // written by the middleware, read by the page in one request
    expect(first.headers.getSetCookie()).toHaveLength(1)
    expect(jar.cookies.has('_idx')).toBe(true)
    const second = await jar.fetch(`${next.url}/visit`)
    expect(await second.text()).toContain('Seen 2')
    expect(await count(jar, next.url)).toBe(1) // one session: the route handler reads what the middleware wrote
  })

  it('runs the middleware on the Edge runtime with WebCrypto + jose (#crypto-provider resolves to none there), route handlers with node:crypto', async () => {
    const response = await fetch(`${next.url}/`)
    expect(response.headers.get('x-sesh-crypto')).toBe('webcrypto')
    const handler = await fetch(`${next.url}/crypto`)
    expect(await handler.text()).toBe('node') // a route handler, on Node.js: the `node` condition
    expect(handler.headers.get('x-same-session')).toBe('true') // getSession(): one session per request
    const manifest = JSON.parse(readFileSync(join(nextAppDir, '.next/server/middleware-manifest.json'), 'utf8')) as {
      middleware: Record<string, { files: string[] }>
    }
    const files = Object.values(manifest.middleware).flatMap((entry) => entry.files)
    expect(files.length).toBeGreaterThan(0)
    const bundle = files.map((file) => readFileSync(join(nextAppDir, '.next', file), 'utf8')).join('\n')
    expect(bundle).not.toMatch(/createCipheriv|node:crypto/) // the node:crypto provider is not in the Edge bundle
  })

  it('regenerates at login: a new cookie, the same data, the user', async () => {
    const jar = new CookieJar()
    expect(await count(jar, next.url)).toBe(1)
    const before = jar.cookies.get('_idx')
    const login = await jar.fetch(`${next.url}/login`, { method: 'POST', body: new URLSearchParams({ user: 'ada' }) })
    expect(login.status).toBe(302)
    expect(jar.cookies.get('_idx')).not.toBe(before)
    const page = await (await jar.fetch(`${next.url}/`)).text()
    expect(page).toContain('Signed in as ada')
    expect(await show(jar, next.url)).toBe(1)
  })

  it('counts through a Server Action (cookies().set in an action)', async () => {
    const jar = new CookieJar()
    expect(await count(jar, next.url)).toBe(1)
    const manifest = JSON.parse(readFileSync(join(nextAppDir, '.next/server/server-reference-manifest.json'), 'utf8')) as {
      node: Record<string, { exportedName?: string }>
    }
    const [id] =
      Object.entries(manifest.node).find(([, action]) => action.exportedName === 'increment') ?? Object.entries(manifest.node)[0]!
    // the form as a browser without JavaScript posts it (progressive enhancement): the action's id in a field
    const form = new FormData()
    form.set(`$ACTION_ID_${id}`, '')
    const action = await jar.fetch(`${next.url}/`, { method: 'POST', headers: { origin: next.url }, body: form })
    expect(action.status).toBe(200)
    expect(action.headers.getSetCookie().join('\n')).toMatch(/^_idx=/)
    expect(await show(jar, next.url)).toBe(2)
  })
})

describe('renewal in the middleware (a 2 s cookie: renewal due after 1 s)', () => {
  let next: Runtime
  beforeAll(async () => {
    next = await startNext({ ARC_SESSION_TTL: '2' })
  })
  afterAll(async () => {
    await next?.stop()
  })
  const later = () => new Promise((resolve) => setTimeout(resolve, 1100))

  it('renews a due session on a page view, which a Server Component could not', async () => {
    const jar = new CookieJar()
    expect(await count(jar, next.url)).toBe(1)
    const before = jar.cookies.get('_idx')
    await later()
    const page = await jar.fetch(`${next.url}/`)
    expect(page.headers.getSetCookie()).toHaveLength(1) // the middleware's renewal
    expect(jar.cookies.get('_idx')).not.toBe(before)
    expect(await show(jar, next.url)).toBe(1)
  })

  it('keeps the route handler’s write when the middleware renews in the same request (its Set-Cookie comes last)', async () => {
    const jar = new CookieJar()
    expect(await count(jar, next.url)).toBe(1)
    await later()
    const post = await jar.fetch(`${next.url}/count`, { method: 'POST' })
    const lines = post.headers.getSetCookie()
    expect(lines).toHaveLength(2) // the middleware's renewal, then the handler's write: browsers keep the last
    expect(lines[1]!.split(';')[0]).toBe(`_idx=${jar.cookies.get('_idx')}`)
    expect(await show(jar, next.url)).toBe(2)
  })
})

describe('npm run start:next', () => {
  it('serves the counter naming Next.js on PORT, reusing the build', async () => {
    built ??= buildNextApp()
    await built
    const counter = await startScript('start:next', 'scripts/start-next.ts', { PORT: String(await freePort()), HOST: '127.0.0.1' })
    try {
      const jar = new CookieJar()
      expect(await (await jar.fetch(`${counter.url}/`)).text()).toContain('sesh counter on Next.js')
      expect(await count(jar, counter.url)).toBe(1)
    } finally {
      await counter.stop()
    }
  })
})
