/**
 * `npm run start:dynamo`: a one-command, database-backed demo. Starts dynalite
 * (the DynamoDB emulator Architect's sandbox uses) on 127.0.0.1, creates the
 * sessions table, and runs the counter against it.
 *
 * DYNAMO_PORT picks dynalite's port (default: a free one); PORT the counter's
 * (default 3333); ARC_SESSION_TABLE_NAME the table (default `sessions`).
 * DYNAMO_PATH keeps the data on disk in that folder (default: in memory).
 */
import { createRequire } from 'node:module'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { sessionTableName } from '../src/engine/options.js'
import { exitIfPortInUse } from './free-port.js'

// The AWS SDK's banner (it will want Node 22 from January 2027) on every start under Node 20: off, as in
// the tests, unless set. It is read when the first client is made, so before the SDK loads below.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
// A busy port is found before dynalite starts, with this script's name (`npm start` would run without the database).
await exitIfPortInUse(Number(process.env.PORT ?? 3333), process.env.HOST, 'start:dynamo')

const require = createRequire(import.meta.url)
const dynalite = require('dynalite') as (options: { createTableMs?: number; path?: string }) => Server

const table = sessionTableName(process.env) ?? 'sessions'
const server = dynalite({ createTableMs: 0, ...(process.env.DYNAMO_PATH ? { path: process.env.DYNAMO_PATH } : {}) })
const dynamoPort = Number(process.env.DYNAMO_PORT ?? 0)
await new Promise<void>((resolve, reject) => {
  server.once('error', reject)
  server.listen(dynamoPort, '127.0.0.1', resolve)
}).catch((error: NodeJS.ErrnoException) => {
  if (error.code !== 'EADDRINUSE') throw error
  console.error(`start:dynamo: port ${dynamoPort} is in use, set DYNAMO_PORT (or leave it unset for a free port)`) // one line, not a stack trace
  process.exit(1)
})
const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

// What a user would export by hand: the SDK's own configuration, pointed at the emulator.
process.env.ARC_SESSION_TABLE_NAME = table
process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint

const { createSessionTable } = await import('seshjs/dynamodb')
await createSessionTable({ table })
console.log(`dynalite (DynamoDB emulator) at ${endpoint}: table "${table}" ready`)

const stop = () => {
  server.close()
  process.exit(0)
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)

await import('../examples/counter/node.js')
