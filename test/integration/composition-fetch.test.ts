/**
 * The composition matrix on `app.fetch` with the runtime's own `Request` and
 * `Response` (the Workers path): see composition.ts.
 */
import { describe, it } from 'vitest'
import type { CookieJar } from '../helpers.js'
import { browserHeaders, compositionApp, formBody, journey, MIDDLEWARE, QUERY, readJson, type Send, STORES } from './composition.js'

const ORIGIN = 'https://app.example'

describe.each(STORES)('app.fetch, %s', (_store, options) => {
  describe.each(MIDDLEWARE)('under %s', (_name, outer) => {
    it('logs in, writes, logs out: the browser ends with no session', () => {
      const app = compositionApp(outer(), options())
      const send: Send = async (jar: CookieJar, step) => {
        const headers = new Headers(browserHeaders(step, ORIGIN))
        if (jar.cookies.size > 0) headers.set('cookie', jar.header())
        const response = await app.fetch(new Request(`${ORIGIN}${step.path}?${QUERY}`, { method: step.method, headers, body: formBody(step) }))
        jar.take(response)
        return { status: response.status, body: await readJson(response.body, response.headers.get('content-encoding')) }
      }
      return journey(send)
    })
  })
})
