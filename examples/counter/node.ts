/**
 * The counter on Node: `npm start`. Configured from the ARC_* environment;
 * PORT picks the port (default 3333), HOST the address (default: every
 * interface). `ARC_SESSION_TABLE_NAME=<table>` keeps sessions in that DynamoDB
 * table (the AWS SDK's own variables — AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB,
 * credentials — pick the endpoint); `jwe` or unset keeps them in the cookie,
 * as in Architect. WebSockets at /ws through @hono/node-ws.
 */
import { createNodeWebSocket } from '@hono/node-ws'
import { sessionTableName, type SessionStore } from 'seshjs'
import { type RunningServer, serve } from 'seshjs/node'
import { counterSocket, createCounterApp } from './app.js'

const table = sessionTableName(process.env)
let store: SessionStore | undefined
if (table) {
  const { dynamoStore } = await import('seshjs/dynamodb') // the AWS SDK loads only for a table
  store = dynamoStore({ table })
}

const app = createCounterApp({ env: process.env, ...(store ? { store } : {}) }, table ? `the DynamoDB table "${table}"` : undefined)
const { upgradeWebSocket, injectWebSocket } = createNodeWebSocket({ app })
app.get('/ws', upgradeWebSocket(counterSocket))

const port = Number(process.env.PORT ?? 3333)
let running: RunningServer
try {
  running = await serve(app.fetch, { port, ...(process.env.HOST ? { hostname: process.env.HOST } : {}), injectWebSocket })
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
  console.error(`port ${port} is in use, set PORT (for example PORT=${port + 1} npm start)`) // not a stack trace
  process.exit(1)
}
console.log(`sesh counter listening on ${running.url}${store ? ` (sessions in DynamoDB table "${table}")` : ''}`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    setTimeout(() => process.exit(0), 3000).unref() // a slow close must not keep Ctrl-C waiting
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}
