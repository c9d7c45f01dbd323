/**
 * A stand-in for SSM's `GetParametersByPath`: the sandbox's internal service
 * (`/_arc/ssm`) and, reached through `AWS_ENDPOINT_URL_SSM`, AWS's. It answers
 * like SSM: only parameters under `Path`, `NextToken` pages of `pageSize`.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** Options of {@link startFakeSsm}. */
export interface FakeSsmOptions {
  /** Parameters per page. @default all of them */
  pageSize?: number
  /** More parameters (name → value), e.g. other services' or other stacks'. */
  extra?: Record<string, string>
}

/** A request the fake received. */
export interface SsmRequest {
  target: string | undefined
  signed: boolean
  body: { Path?: string; Recursive?: boolean; NextToken?: string }
}

/** A running fake. Change `tables` or `mode` at any time. */
export interface FakeSsm {
  port: number
  url: string
  /** Logical → physical; served as `/<stack>/tables/<logical>`. */
  tables: Record<string, string>
  /** `ok`; `denied` (400 AccessDeniedException); `down` (connections reset). */
  mode: 'ok' | 'denied' | 'down'
  requests: SsmRequest[]
  close(): Promise<void>
}

/** Serves `tables` (logical → physical) of `stack`, as SSM parameters. */
export async function startFakeSsm(stack: string, tables: Record<string, string>, options: FakeSsmOptions = {}): Promise<FakeSsm> {
  const fake = { tables: { ...tables }, mode: 'ok', requests: [] as SsmRequest[] } as FakeSsm
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      if (fake.mode === 'down') return req.socket.destroy()
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as SsmRequest['body']
      fake.requests.push({ target: req.headers['x-amz-target'] as string | undefined, signed: !!req.headers.authorization, body })
      if (fake.mode === 'denied') {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' })
        return res.end(JSON.stringify({ __type: 'AccessDeniedException', message: 'not authorized to perform: ssm:GetParametersByPath' }))
      }
      const prefix = `${(body.Path ?? '').replace(/\/$/, '')}/`
      const all = [
        ...Object.entries(fake.tables).map(([name, Value]) => ({ Name: `/${stack}/tables/${name}`, Value, Type: 'String' })),
        ...Object.entries(options.extra ?? {}).map(([Name, Value]) => ({ Name, Value, Type: 'String' })),
      ].filter((p) => p.Name.startsWith(prefix) && (body.Recursive || !p.Name.slice(prefix.length).includes('/')))
      const start = Number(body.NextToken ?? 0)
      const end = options.pageSize ? start + options.pageSize : all.length
      const page = { Parameters: all.slice(start, end), ...(end < all.length ? { NextToken: String(end) } : {}) }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' })
      res.end(JSON.stringify(page))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.port = (server.address() as AddressInfo).port
  fake.url = `http://127.0.0.1:${fake.port}`
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  return fake
}
