/**
 * The composition matrix on `seshjs/node` (a real HTTP server on
 * @hono/node-server): see composition.ts.
 */
import { afterAll, beforeAll, describe, it } from 'vitest'
import { type RunningServer, serve } from 'seshjs/node'
import type { CookieJar } from '../helpers.js'
import { browserHeaders, compositionApp, formBody, journey, MIDDLEWARE, QUERY, readJson, type Send, STORES } from './composition.js'

describe.each(STORES)('seshjs/node, %s', (_store, options) => {
  describe.each(MIDDLEWARE)('under %s', (_name, outer) => {
    let server: RunningServer
    beforeAll(async () => {
      server = await serve(compositionApp(outer(), options()).fetch, { port: 0, hostname: '127.0.0.1' })
    })
    afterAll(() => server.close())

    const send: Send = async (jar: CookieJar, step) => {
      // undici's fetch gunzips the body itself
      const response = await jar.fetch(`${server.url}${step.path}?${QUERY}`, {
        method: step.method,
        headers: browserHeaders(step, server.url),
        body: formBody(step),
      })
      return { status: response.status, body: await readJson(response.body, null) }
    }

    it('logs in, writes, logs out: the browser ends with no session', () => journey(send))
  })
})
