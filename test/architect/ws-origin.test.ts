/**
 * `seshjs/architect` `ws()`: the `Origin` of `$connect`, with events shaped as
 * API Gateway sends them (its headers keep the client's case; Architect's
 * sandbox lowers them, see architect.e2e.test.ts for the sandbox for real).
 */
import { describe, expect, it } from 'vitest'
import { ws, type WsOptions } from '../../architect/index.js'
import { memoryStore } from '../../src/index.js'

const secret = 'an-architect-ws-origin-secret-0123456789'
const API_HOST = 'abc123.execute-api.us-east-1.amazonaws.com'

function connectEvent(headers: Record<string, string>) {
  return { requestContext: { connectionId: 'conn=', routeKey: '$connect', eventType: 'CONNECT' }, headers, isBase64Encoded: false }
}

function connectHandler(options: WsOptions = {}) {
  let calls = 0
  const handler = ws(
    async () => {
      calls++
    },
    { secret, store: memoryStore(), env: {}, api: { send: async () => {}, close: async () => {} }, ...options },
  )
  return { handler, calls: () => calls }
}

describe('ws(): the Origin of $connect', () => {
  it('refuses a foreign Origin with 403 before the handler runs; accepts its own host, and no Origin', async () => {
    const { handler, calls } = connectHandler()
    expect(await handler(connectEvent({ Host: API_HOST, Origin: 'https://evil.example.com' }))).toEqual({ statusCode: 403 })
    expect(await handler(connectEvent({ host: API_HOST, origin: 'null' }))).toEqual({ statusCode: 403 })
    expect(await handler(connectEvent({ Host: API_HOST, Origin: 'https://app.example.com' }))).toEqual({ statusCode: 403 }) // the app is not the API's host
    expect(calls()).toBe(0)
    expect(await handler(connectEvent({ Host: API_HOST, Origin: `https://${API_HOST}` }))).toEqual({ statusCode: 200 })
    expect(await handler(connectEvent({ Host: API_HOST }))).toEqual({ statusCode: 200 }) // not a browser
    expect(calls()).toBe(2)
  })

  it("accepts the app's origins by list or predicate (given the event), and still refuses others", async () => {
    const listed = connectHandler({ origins: ['https://app.example.com'] })
    expect(await listed.handler(connectEvent({ Host: API_HOST, Origin: 'https://app.example.com' }))).toEqual({ statusCode: 200 })
    expect(await listed.handler(connectEvent({ Host: API_HOST, Origin: 'https://evil.example.com' }))).toEqual({ statusCode: 403 })
    const seen: string[] = []
    const predicate = connectHandler({
      origins: (origin, event) => {
        seen.push(`${origin} ${(event.requestContext as { routeKey: string }).routeKey}`)
        return origin === 'https://app.example.com'
      },
    })
    expect(await predicate.handler(connectEvent({ Host: API_HOST, Origin: 'https://app.example.com' }))).toEqual({ statusCode: 200 })
    expect(await predicate.handler(connectEvent({ Host: API_HOST, Origin: 'https://app.example.org' }))).toEqual({ statusCode: 403 })
    expect(seen).toEqual(['https://app.example.com $connect', 'https://app.example.org $connect'])
    expect(listed.calls() + predicate.calls()).toBe(2)
  })

  it('warns once, in production, through onWarning, while no origins are set', async () => {
    for (const [options, expected] of [
      [{ production: true }, 1],
      [{ production: true, origins: ['https://app.example.com'] }, 0],
      [{ production: false }, 0],
    ] as const) {
      const warnings: string[] = []
      const { handler } = connectHandler({ ...options, cookie: { hostPrefix: false }, onWarning: (message) => warnings.push(message) })
      await handler(connectEvent({ Host: API_HOST, Origin: 'https://app.example.com' }))
      await handler(connectEvent({ Host: API_HOST }))
      expect(warnings.length, JSON.stringify(warnings)).toBe(expected)
      if (expected) expect(warnings[0]).toMatch(/no `origins` is set/)
    }
  })
})
