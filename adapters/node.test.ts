import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, requestListener, serve } from './node.js'

/** Sets two cookies, one with a comma in it, and echoes the request's cookie. */
function handler(request: Request): Response {
  const headers = new Headers({ 'content-type': 'text/plain' })
  headers.append('set-cookie', 'a=1; Path=/; HttpOnly')
  headers.append('set-cookie', 'b=2; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/')
  return new Response(`${request.method} ${new URL(request.url).pathname} ${request.headers.get('cookie') ?? ''}`, { headers })
}

describe('serve', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await serve(handler, { port: 0, hostname: '127.0.0.1' })
  })
  afterAll(async () => {
    await server.close()
  })

  it('serves on the port it reports', async () => {
    expect(server.port).toBeGreaterThan(0)
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`)
    const response = await fetch(`http://127.0.0.1:${server.port}/path`, { headers: { cookie: 'x=1; y=2' } })
    expect(await response.text()).toBe('GET /path x=1; y=2')
  })

  it('keeps several Set-Cookie headers separate', async () => {
    const response = await fetch(`http://127.0.0.1:${server.port}/`)
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/; HttpOnly', 'b=2; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/'])
  })
})

describe('requestListener', () => {
  it('plugs into a plain node:http server, and a thrown error is a bare 500', async () => {
    const server = createServer(
      requestListener((request) => {
        if (new URL(request.url).pathname === '/boom') throw new Error('secret internals')
        return handler(request)
      }),
    )
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    try {
      const ok = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST' })
      expect(await ok.text()).toBe('POST / ')
      expect(ok.headers.getSetCookie()).toHaveLength(2)
      const boom = await fetch(`http://127.0.0.1:${port}/boom`)
      expect(boom.status).toBe(500)
      expect(await boom.text()).not.toContain('secret internals')
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })
})
