/**
 * The composition matrix on `seshjs/lambda` (`toLambda(app.fetch)`), with API
 * Gateway HTTP API (payload v2) events: see composition.ts.
 */
import { readFileSync } from 'node:fs'
import { describe, it } from 'vitest'
import { type APIGatewayProxyEventV2, toLambda } from 'seshjs/lambda'
import type { CookieJar } from '../helpers.js'
import { browserHeaders, compositionApp, formBody, journey, MIDDLEWARE, QUERY, readJson, type Send, STORES } from './composition.js'

const fixture = JSON.parse(
  readFileSync(new URL('../../adapters/fixtures/lambda/http-v2.json', import.meta.url), 'utf8'),
) as APIGatewayProxyEventV2
const HOST = 'app.example'

/** The fixture event for a step, with the jar's cookies in `cookies[]` as API Gateway sends them. */
function event(
  jar: CookieJar,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | undefined,
): APIGatewayProxyEventV2 {
  const { body: _, ...rest } = structuredClone(fixture)
  return {
    ...rest,
    rawPath: path,
    rawQueryString: QUERY,
    cookies: [...jar.cookies].map(([name, value]) => `${name}=${value}`),
    headers: { host: HOST, ...headers },
    queryStringParameters: { [QUERY]: '' },
    requestContext: { ...rest.requestContext, domainName: HOST, http: { ...rest.requestContext.http, method, path } },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
  }
}

describe.each(STORES)('seshjs/lambda, %s', (_store, options) => {
  describe.each(MIDDLEWARE)('under %s', (_name, outer) => {
    it('logs in, writes, logs out: the browser ends with no session', () => {
      const handler = toLambda(compositionApp(outer(), options()).fetch)
      const send: Send = async (jar: CookieJar, step) => {
        const result = await handler(event(jar, step.method, step.path, browserHeaders(step, `https://${HOST}`), formBody(step)))
        jar.take(new Response(null, { headers: (result.cookies ?? []).map((cookie) => ['set-cookie', cookie]) }))
        const bytes = result.isBase64Encoded
          ? Uint8Array.from(atob(result.body), (c) => c.charCodeAt(0))
          : new TextEncoder().encode(result.body)
        return { status: result.statusCode, body: await readJson(new Response(bytes).body, result.headers?.['content-encoding'] ?? null) }
      }
      return journey(send)
    })
  })
})
