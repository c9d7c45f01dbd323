/**
 * holdHead() on a bare Node server: every way a head can be sent waits for
 * the commit, keeps the app's headers, and replays the calls in order.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, expect, it } from 'vitest'
import { holdHead, type Outcome } from './hold.js'

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))))
})

/** Serves `handler` behind a commit that answers `outcome` after a few milliseconds. */
async function serve(
  outcome: (status: number) => Outcome,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  errors: unknown[] = [],
): Promise<string> {
  const server = createServer((req, res) => {
    holdHead(
      res,
      async (status) => {
        await new Promise((done) => setTimeout(done, 5))
        return outcome(status)
      },
      (error) => {
        errors.push(error)
        res.statusCode = 500
        res.end('failed')
      },
    )
    handler(req, res)
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  servers.push(server)
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

const cookie = () => ({ send: ['s=1; Path=/'] })

it("keeps every Set-Cookie of writeHead's flat header array, and a status message", async () => {
  const url = await serve(cookie, (_req, res) => {
    res.setHeader('set-cookie', 'replaced=1')
    res.writeHead(202, 'Taken', ['Set-Cookie', 'a=1', 'X-One', '1', 'set-cookie', 'b=2']).end('body')
  })
  const response = await fetch(url)
  expect(response.status).toBe(202)
  expect(response.statusText).toBe('Taken')
  expect(response.headers.get('x-one')).toBe('1')
  expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2', 's=1; Path=/'])
  expect(await response.text()).toBe('body')
})

it('tells the commit the status of writeHead, or of res.statusCode', async () => {
  const statuses: number[] = []
  const url = await serve(
    (status) => (statuses.push(status), cookie()),
    (req, res) => {
      if (req.url === '/head') res.writeHead(503).end()
      else {
        res.statusCode = 404
        res.end()
      }
    },
  )
  await fetch(`${url}/head`)
  await fetch(`${url}/code`)
  expect(statuses).toEqual([503, 404])
})

it('replays held writes in order, with their callbacks, and sends the drain a held write promised', async () => {
  const done: string[] = []
  const url = await serve(cookie, (_req, res) => {
    expect(res.write('a', () => done.push('a'))).toBe(false)
    expect(res.headersSent).toBe(true) // from the app's side, the head has gone
    res.once('drain', () => {
      res.write('c')
      res.end()
    })
    res.write('b', () => done.push('b'))
  })
  const response = await fetch(url)
  expect(response.headers.getSetCookie()).toEqual(['s=1; Path=/'])
  expect(await response.text()).toBe('abc')
  expect(done).toEqual(['a', 'b'])
})

it('replaces the response, dropping what the app sends after, headers included', async () => {
  const url = await serve(
    () => ({ replace: new Response('down', { status: 503, headers: { 'retry-after': '5' } }) }),
    (_req, res) => {
      res.setHeader('x-app', 'yes')
      res.write('one')
      setTimeout(() => {
        expect(res.write('two')).toBe(true)
        res.end('three')
      }, 20)
    },
  )
  const response = await fetch(url)
  expect(response.status).toBe(503)
  expect(response.headers.get('x-app')).toBeNull()
  expect(response.headers.get('retry-after')).toBe('5')
  expect(await response.text()).toBe('down')
  await new Promise((done) => setTimeout(done, 40)) // the late writes were dropped, not thrown
})

it('hands a failed commit to onFail with the headers cleared', async () => {
  const errors: unknown[] = []
  const url = await serve(
    () => ({ fail: new Error('no') }),
    (_req, res) => {
      res.setHeader('x-app', 'yes')
      res.end('made')
    },
    errors,
  )
  const response = await fetch(url)
  expect(response.status).toBe(500)
  expect(response.headers.get('x-app')).toBeNull()
  expect(await response.text()).toBe('failed')
  expect(errors).toEqual([new Error('no')])
})
