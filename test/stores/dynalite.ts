/** Starts a real dynalite server (the DynamoDB emulator Architect's sandbox uses) for tests. */
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'

const require = createRequire(import.meta.url)
const dynalite = require('dynalite') as (options: { createTableMs?: number; path?: string }) => Server

/** A running dynalite server and an SDK client pointed at it. */
export interface Dynalite {
  port: number
  endpoint: string
  client: DynamoDBClient
  /** Stops the server (dropping open connections); with `path`, the data survives on disk. */
  stop(): Promise<void>
  /** Starts it again on the same port (after `stop`). */
  start(): Promise<void>
  /** Stops it for good and destroys the client. */
  close(): Promise<void>
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

/**
 * Starts dynalite on a free loopback port.
 *
 * @param options `path` keeps the data on disk (LevelDB) so it survives a restart
 */
export async function startDynalite(options: { path?: string; maxAttempts?: number } = {}): Promise<Dynalite> {
  const server = dynalite({ createTableMs: 0, ...(options.path ? { path: options.path } : {}) })
  const port = await listen(server, 0)
  const endpoint = `http://127.0.0.1:${port}`
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: options.maxAttempts ?? 3,
  })
  let running = true
  const stop = () =>
    new Promise<void>((resolve, reject) => {
      if (!running) return resolve()
      running = false
      server.close((error) => (error ? reject(error) : resolve()))
      server.closeAllConnections()
    })
  return {
    port,
    endpoint,
    client,
    stop,
    async start() {
      if (running) return
      await listen(server, port)
      running = true
    },
    async close() {
      await stop()
      client.destroy()
    },
  }
}
