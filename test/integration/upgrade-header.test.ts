/**
 * A client cannot opt out of a save: a plain request carrying
 * `Upgrade: websocket`, answered like any other, saves its session on every
 * door — a second factor that locks after three wrong codes locks.
 */
import { request as httpRequest } from 'node:http'
import { readFileSync } from 'node:fs'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SessionEnv, sessions } from 'seshjs'
import { type APIGatewayProxyEventV2, toLambda } from 'seshjs/lambda'
import { type RunningServer, serve } from 'seshjs/node'
import { CookieJar, SECRET } from '../helpers.js'

type Data = { wrong?: number }

function secondFactor(): Hono<SessionEnv<Data>> {
  const app = new Hono<SessionEnv<Data>>()
  app.use(sessions<Data>({ secret: SECRET }))
  app.post('/2fa', async (c) => {
    const session = c.get('session')
    const wrong = (await session.get('wrong')) ?? 0
    if (wrong >= 3) return c.text('locked', 423)
    if ((await c.req.parseBody()).code === '424242') return c.text('welcome')
    session.set('wrong', wrong + 1)
    return c.text('wrong code')
  })
  return app
}

/** Four wrong codes then the right one, each with `Upgrade: websocket`: the statuses. */
async function attempts(send: (jar: CookieJar, code: string) => Promise<number>): Promise<number[]> {
  const jar = new CookieJar()
  const statuses: number[] = []
  for (const code of ['000000', '111111', '222222', '333333', '424242']) statuses.push(await send(jar, code))
  return statuses
}
const LOCKED_AFTER_THREE = [200, 200, 200, 423, 423]
const FORM = { 'content-type': 'application/x-www-form-urlencoded', upgrade: 'websocket' }

describe('Upgrade: websocket on a plain request', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await serve(secondFactor().fetch, { port: 0, hostname: '127.0.0.1' })
  })
  afterAll(() => server.close())

  it('seshjs/node: every wrong code is saved', async () => {
    // node:http, since fetch() refuses an Upgrade header
    const send = (jar: CookieJar, code: string) =>
      new Promise<number>((resolve, reject) => {
        const headers: Record<string, string> = { ...FORM, ...(jar.cookies.size ? { cookie: jar.header() } : {}) }
        const req = httpRequest(`${server.url}/2fa`, { method: 'POST', headers }, (res) => {
          jar.take(new Response(null, { headers: (res.headers['set-cookie'] ?? []).map((c) => ['set-cookie', c]) }))
          res.resume()
          res.on('end', () => resolve(res.statusCode!))
        })
        req.on('error', reject)
        req.end(`code=${code}`)
      })
    expect(await attempts(send)).toEqual(LOCKED_AFTER_THREE)
  })

  it('app.fetch (Workers): every wrong code is saved', async () => {
    const app = secondFactor()
    const send = async (jar: CookieJar, code: string) => {
      const headers = { ...FORM, ...(jar.cookies.size ? { cookie: jar.header() } : {}) }
      const response = await app.fetch(new Request('https://app.example/2fa', { method: 'POST', headers, body: `code=${code}` }))
      jar.take(response)
      return response.status
    }
    expect(await attempts(send)).toEqual(LOCKED_AFTER_THREE)
  })

  it('seshjs/lambda: every wrong code is saved', async () => {
    const fixture = JSON.parse(
      readFileSync(new URL('../../adapters/fixtures/lambda/http-v2.json', import.meta.url), 'utf8'),
    ) as APIGatewayProxyEventV2
    const handler = toLambda(secondFactor().fetch)
    const send = async (jar: CookieJar, code: string) => {
      const result = await handler({
        ...fixture,
        rawPath: '/2fa',
        rawQueryString: '',
        cookies: [...jar.cookies].map(([name, value]) => `${name}=${value}`),
        headers: { host: 'app.example', ...FORM },
        requestContext: { ...fixture.requestContext, http: { ...fixture.requestContext.http, method: 'POST', path: '/2fa' } },
        body: `code=${code}`,
        isBase64Encoded: false,
      })
      jar.take(new Response(null, { headers: (result.cookies ?? []).map((c) => ['set-cookie', c]) }))
      return result.statusCode
    }
    expect(await attempts(send)).toEqual(LOCKED_AFTER_THREE)
  })
})
