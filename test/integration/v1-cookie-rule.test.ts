/**
 * One rule for the session cookie of an API Gateway event, on `seshjs/lambda`
 * and `seshjs/architect` alike: every `Cookie` of `multiValueHeaders` (joined),
 * else `headers.cookie`, else v2's `cookies`; within it, the last `_idx`.
 * API Gateway REST puts only the last of several `Cookie` headers (HTTP/2
 * clients send one per cookie) in `headers`, all of them in `multiValueHeaders`.
 */
import { readFileSync } from 'node:fs'
import { Hono } from 'hono'
import { beforeAll, describe, expect, it } from 'vitest'
import { createSessions, type SessionEnv, sessions } from 'seshjs'
import { createArchitect } from 'seshjs/architect'
import { type APIGatewayProxyEvent, type LambdaHttpEvent, toLambda } from 'seshjs/lambda'
import { SECRET } from '../helpers.js'

const restEvent = () =>
  JSON.parse(readFileSync(new URL('../../adapters/fixtures/lambda/rest-v1.json', import.meta.url), 'utf8')) as APIGatewayProxyEvent
const httpEvent = () =>
  JSON.parse(readFileSync(new URL('../../adapters/fixtures/lambda/http-v2.json', import.meta.url), 'utf8')) as LambdaHttpEvent

/** Sealed session cookies of users `a` and `b`. */
const cookie: Record<'a' | 'b', string> = { a: '', b: '' }
beforeAll(async () => {
  const engine = createSessions<{ user: string }>({ secret: SECRET, env: {} })
  for (const user of ['a', 'b'] as const) {
    const session = engine.open(undefined)
    session.set('user', user)
    cookie[user] = (await engine.saveCookie(session))!.header.split(';')[0]!
  }
})

const app = new Hono<SessionEnv<{ user: string }>>()
app.use(sessions({ secret: SECRET, env: {} }))
app.all('*', async (c) => c.text(String((await c.get('session').get('user')) ?? 'none')))
const lambda = toLambda(app.fetch)
const architect = createArchitect({ env: { ARC_SESSION_TABLE_NAME: 'jwe', ARC_APP_SECRET: SECRET } })
const arc = architect.http(async (req) => ({ text: String(req.session.user ?? 'none') }))

function v1(headers: Record<string, string>, multi: Record<string, string[]> | null): APIGatewayProxyEvent {
  const event = restEvent()
  return {
    ...event,
    body: null,
    headers: { ...event.headers, ...headers },
    multiValueHeaders: multi && { ...event.multiValueHeaders, ...multi },
  }
}

const cases: [string, () => LambdaHttpEvent, 'a' | 'b' | 'none'][] = [
  ['headers and multiValueHeaders disagree: multiValueHeaders wins', () => v1({ cookie: cookie.b }, { cookie: [cookie.a] }), 'a'],
  [
    'split over two Cookie headers (HTTP/2), headers holding only the last',
    () => v1({ cookie: 'theme=dark' }, { cookie: [cookie.a, 'theme=dark'] }),
    'a',
  ],
  ['two _idx over the Cookie headers: the last', () => v1({ Cookie: cookie.a }, { Cookie: [cookie.b, cookie.a] }), 'a'],
  [
    'two _idx in one header: the last (Architect rule)',
    () => v1({ cookie: `${cookie.b}; ${cookie.a}` }, { cookie: [`${cookie.b}; ${cookie.a}`] }),
    'a',
  ],
  ['no multiValueHeaders: headers.cookie', () => v1({ Cookie: cookie.b }, null), 'b'],
  ['multiValueHeaders without Cookie: headers.cookie', () => v1({ cookie: cookie.b }, {}), 'b'],
  ['payload v2: cookies[]', () => ({ ...httpEvent(), cookies: [cookie.b, cookie.a] }) as LambdaHttpEvent, 'a'],
]

describe('the session cookie of an API Gateway event: one rule on seshjs/lambda and seshjs/architect', () => {
  for (const [name, event, user] of cases) {
    it(name, async () => {
      expect((await lambda(event())).body, 'seshjs/lambda').toBe(user)
      expect((await arc(event() as never)).body, 'seshjs/architect').toBe(user)
    })
  }
})
