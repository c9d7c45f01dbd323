/**
 * A loopback HTTP proxy in front of a DynamoDB endpoint (dynalite), controlled
 * by the test: each request passes, or meets a fault chosen by the test's
 * policy. Faults are what a real network and a real DynamoDB do:
 *
 * - `delay`: forwarded at once (the operation happens), the answer held back;
 * - `hang`: accepted and never answered (never forwarded);
 * - `reset`: forwarded (the operation happens), then the connection is cut in
 *   the middle of the answer;
 * - `throttle`: DynamoDB's `ProvisionedThroughputExceededException` (HTTP 400), not forwarded;
 * - `error500`: DynamoDB's `InternalServerError` (HTTP 500), not forwarded.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** What the proxy does with one request. */
export type Fault =
  | { kind: 'pass' }
  | { kind: 'delay'; ms: number }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'throttle' }
  | { kind: 'error500' }

/** A running fault proxy. */
export interface FaultProxy {
  endpoint: string
  /** Chooses the fault for each request (called once per request). */
  policy: () => Fault
  /** How many requests met each fault. */
  readonly counts: Record<Fault['kind'], number>
  close(): Promise<void>
}

const JSON_TYPE = 'application/x-amz-json-1.0'

function dynamoError(response: ServerResponse, status: number, type: string, message: string): void {
  const body = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message })
  response.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': 'fault' })
  response.end(body)
}

/**
 * Starts the proxy on a free loopback port.
 *
 * @param target the upstream endpoint, e.g. `http://127.0.0.1:4567`
 */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target)
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  const counts: FaultProxy['counts'] = { pass: 0, delay: 0, hang: 0, reset: 0, throttle: 0, error500: 0 }

  function forward(
    req: IncomingMessage,
    body: Buffer,
    onResponse: (status: number, headers: IncomingMessage['headers'], data: Buffer) => void,
    onError: () => void,
  ) {
    const out = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => onResponse(res.statusCode ?? 502, res.headers, Buffer.concat(chunks)))
        res.on('error', onError)
      },
    )
    out.on('error', onError)
    out.end(body)
  }

  const proxy: FaultProxy = {
    endpoint: '',
    policy: () => ({ kind: 'pass' }),
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer)
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const fault = proxy.policy()
      counts[fault.kind]++
      const fail = () => res.destroy()
      switch (fault.kind) {
        case 'hang':
          return // never answered; the socket is destroyed on close()
        case 'throttle':
          return dynamoError(
            res,
            400,
            'ProvisionedThroughputExceededException',
            'The level of configured provisioned throughput for the table was exceeded.',
          )
        case 'error500':
          return dynamoError(res, 500, 'InternalServerError', 'Internal server error')
        case 'pass':
          return forward(
            req,
            body,
            (status, headers, data) => {
              res.writeHead(status, headers)
              res.end(data)
            },
            fail,
          )
        case 'delay':
          return forward(
            req,
            body,
            (status, headers, data) => {
              const timer = setTimeout(() => {
                timers.delete(timer)
                if (res.destroyed) return
                res.writeHead(status, headers)
                res.end(data)
              }, fault.ms)
              timers.add(timer)
            },
            fail,
          )
        case 'reset':
          return forward(
            req,
            body,
            (status, headers, data) => {
              res.writeHead(status, { ...headers, 'content-length': String(data.length) })
              res.write(data.subarray(0, Math.floor(data.length / 2)))
              setImmediate(() => res.socket?.destroy()) // cut in the middle of the answer
            },
            fail,
          )
      }
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return proxy
}
