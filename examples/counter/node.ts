/**
 * The counter on Node: `npm start`. Configured from the ARC_* environment;
 * PORT picks the port (default 3333), HOST the address (default: every
 * interface). `ARC_SESSION_TABLE_NAME=<table>` keeps sessions in that DynamoDB
 * table (the AWS SDK's own variables — AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB,
 * credentials — pick the endpoint); `jwe` or unset keeps them in the cookie,
 * as in Architect. Without a table, `REDIS_URL=redis://...` keeps them in Redis
 * (`npm run start:redis` starts a redis-server for it); without either,
 * `DATABASE_URL=postgres://...` keeps them in PostgreSQL, creating the table
 * "sessions" at start if it is missing (`npm run start:postgres` starts a
 * PostgreSQL for it). WebSockets at /ws through @hono/node-ws.
 */
import { createNodeWebSocket } from '@hono/node-ws'
import { sessionTableName, type SessionStore } from 'seshjs'
import { type RunningServer, serve } from 'seshjs/node'
import { counterSocket, createCounterApp } from './app.js'
import { redisCounterStore } from './redis.js'

const table = sessionTableName(process.env)
const redisUrl = process.env.REDIS_URL || undefined
const databaseUrl = process.env.DATABASE_URL || undefined
let store: SessionStore | undefined
let where: string | undefined
if (table) {
  const { dynamoStore } = await import('seshjs/dynamodb') // the AWS SDK loads only for a table
  store = dynamoStore({ table })
  where = `the DynamoDB table "${table}"`
} else if (redisUrl) {
  ;({ store, where } = await redisCounterStore(redisUrl))
} else if (databaseUrl) {
  const { connectPostgres, createPostgresTable, postgresStore } = await import('seshjs/postgres') // a driver loads only for PostgreSQL
  const db = await connectPostgres(databaseUrl)
  try {
    await createPostgresTable(db.query) // at start, never on a request
  } catch (error) {
    const cause = (error as Error).cause instanceof Error ? ` ${((error as Error).cause as Error).message}` : ''
    console.error(`cannot create the session table at DATABASE_URL: ${(error as Error).message}${cause}`) // one line, not a stack trace
    process.exit(1)
  }
  store = postgresStore({ query: db.query })
  const shown = new URL(databaseUrl)
  shown.password = '' // never print a password
  shown.search = ''
  where = `PostgreSQL at ${shown.href} (table "sessions")`
}

const app = createCounterApp(store ? { store } : {}, where, 'Node')
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
console.log(`sesh counter listening on ${running.url}${where ? ` (sessions in ${where})` : ''}`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    setTimeout(() => process.exit(0), 3000).unref() // a slow close must not keep Ctrl-C waiting
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}
