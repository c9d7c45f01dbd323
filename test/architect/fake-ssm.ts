/**
 * A stand-in for the sandbox's internal SSM service, which @architect/functions
 * asks for the session table's physical name (`GetParametersByPath`).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** Serves `tables` (logical → physical) to every `GetParametersByPath`. */
export async function startFakeSsm(stack: string, tables: Record<string, string>): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      const Parameters = Object.entries(tables).map(([name, Value]) => ({ Name: `/${stack}/tables/${name}`, Value, Type: 'String' }))
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' })
      res.end(JSON.stringify({ Parameters }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
