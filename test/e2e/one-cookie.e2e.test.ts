/**
 * One cookie through every framework and runtime the counter runs on: with one
 * secret and the cookie store, each counter adds one to the count the previous
 * one sealed — Node (`npm start`), Express (`npm run start:express`), React
 * Router (`npm run start:react-router`), the Worker (its `fetch`, bundled as
 * wrangler bundles it, in workerd through Miniflare), the Lambda
 * handler (an API Gateway HTTP API v2 event), Bun (`npm run start:bun`) and
 * Deno (`npm run start:deno`) — and each page names who served it.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { APIGatewayProxyEventV2 } from 'seshjs/lambda'
import { CookieJar, SECRET } from '../helpers.js'
import { denoDir, startCounter } from './bun-deno.js'
import { countOf } from './counter-suite.js'
import { freePort, type Runtime, startNode, startScript, startWorker } from './runtimes.js'

/** One counter: its name on the page, and a fetch that carries the jar. */
interface Door {
  served: string
  send(jar: CookieJar, method: 'GET' | 'POST', path: string): Promise<Response>
}

const overHttp = (served: string, runtime: Runtime): Door => ({
  served,
  send: (jar, method, path) => jar.fetch(`${runtime.url}${path}`, { method }),
})

const fixture = JSON.parse(
  readFileSync(new URL('../../adapters/fixtures/lambda/http-v2.json', import.meta.url), 'utf8'),
) as APIGatewayProxyEventV2

/** The fixture event for one request, the jar's cookies in `cookies[]` as API Gateway sends them. */
function lambdaEvent(jar: CookieJar, method: string, path: string): APIGatewayProxyEventV2 {
  const { body: _, ...rest } = structuredClone(fixture)
  return {
    ...rest,
    rawPath: path,
    rawQueryString: '',
    cookies: [...jar.cookies].map(([name, value]) => `${name}=${value}`),
    headers: { host: 'app.example' },
    queryStringParameters: {},
    requestContext: { ...rest.requestContext, domainName: 'app.example', http: { ...rest.requestContext.http, method, path } },
    isBase64Encoded: false,
  }
}

describe('one cookie, every framework and runtime (cookie store, one secret)', () => {
  const deno = denoDir()
  const children: Runtime[] = []
  const doors: Door[] = []

  beforeAll(async () => {
    const env = { ARC_APP_SECRET: SECRET }
    const started = await Promise.allSettled([
      startNode(env),
      startScript('express', 'examples/counter/express.ts', { ...env, PORT: String(await freePort()), HOST: '127.0.0.1' }),
      startScript('react-router', 'examples/counter/react-router.ts', { ...env, PORT: String(await freePort()), HOST: '127.0.0.1' }),
      startCounter('bun', env),
      startCounter('deno', { ...env, DENO_DIR: deno.path }),
      startWorker(env),
    ])
    for (const result of started) if (result.status === 'fulfilled') children.push(result.value)
    const failed = started.find((result) => result.status === 'rejected')
    if (failed) throw (failed as PromiseRejectedResult).reason
    const [node, express, reactRouter, bun, denoCounter, worker] = children as [Runtime, Runtime, Runtime, Runtime, Runtime, Runtime]

    // the Lambda handler reads the process's environment (as on Lambda)
    vi.stubEnv('ARC_APP_SECRET', SECRET)
    vi.stubEnv('ARC_SESSION_TABLE_NAME', '')
    const { handler } = await import('../../examples/counter/lambda.js')

    doors.push(
      overHttp('Node', node),
      overHttp('Express', express),
      overHttp('React Router', reactRouter),
      overHttp('Cloudflare Workers', worker),
      {
        served: 'AWS Lambda',
        async send(jar, method, path) {
          const result = await handler(lambdaEvent(jar, method, path))
          const headers = new Headers(Object.entries(result.headers ?? {}).map(([name, value]) => [name, String(value)]))
          for (const cookie of result.cookies ?? []) headers.append('set-cookie', cookie)
          const response = new Response(result.body, { status: result.statusCode, headers })
          jar.take(response)
          return response
        },
      },
      overHttp('Bun', bun),
      overHttp('Deno', denoCounter),
    )
  })

  afterAll(async () => {
    vi.unstubAllEnvs()
    await Promise.all(children.map((child) => child.stop()))
    deno.remove()
  })

  it('each counter reads the cookie the previous one sealed and adds one', async () => {
    const jar = new CookieJar()
    let expected = 0
    for (const door of doors) {
      const post = await door.send(jar, 'POST', '/count')
      expect(post.status, door.served).toBe(302)
      expect(post.headers.getSetCookie(), door.served).toHaveLength(1)
      expected += 1
      const page = await door.send(jar, 'GET', '/')
      expect(page.status, door.served).toBe(200)
      const html = await page.text()
      expect(html, door.served).toContain(`<h1>sesh counter on ${door.served}</h1>`)
      expect(countOf(html), door.served).toBe(expected)
    }
    expect(expected).toBe(7)
    // and back to the first, which reads the last one's cookie; then a reset anywhere ends it everywhere
    expect(countOf(await (await doors[0]!.send(jar, 'GET', '/')).text())).toBe(7)
    const reset = await doors[doors.length - 1]!.send(jar, 'POST', '/reset')
    expect(reset.status).toBe(302)
    expect(jar.cookies.size).toBe(0)
    for (const door of doors) expect(countOf(await (await door.send(jar, 'GET', '/')).text()), door.served).toBe(0)
  })
})
