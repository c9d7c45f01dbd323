/**
 * `npm run start:postgres`: the counter on Node with its sessions in
 * PostgreSQL, in one command. Starts its own PostgreSQL (initdb into a
 * temporary folder, a free loopback port; stopped and removed with the
 * counter), or uses the server at DATABASE_URL when set. The counter creates
 * the session table if it is missing, at start (never on a request).
 *
 * PORT picks the counter's port (default 3333); POSTGRES_PORT the port of the
 * server it starts (default: a free one).
 */
import { POSTGRES_MISSING, startPostgres } from './postgres-server.js'

// This demo is about PostgreSQL: a DynamoDB table or a Redis server in the environment would win in the counter.
delete process.env.ARC_SESSION_TABLE_NAME
delete process.env.SESSION_TABLE_NAME
delete process.env.REDIS_URL

if (!process.env.DATABASE_URL) {
  let server: Awaited<ReturnType<typeof startPostgres>>
  try {
    server = await startPostgres(process.env.POSTGRES_PORT ? { port: Number(process.env.POSTGRES_PORT) } : {})
  } catch (error) {
    const message = (error as Error).message
    console.error(
      `start:postgres: ${message.startsWith(POSTGRES_MISSING) ? message : `${message.split('\n')[0]} (is the port free? set POSTGRES_PORT)`}`,
    )
    process.exit(1)
  }
  process.once('exit', () => server.closeSync()) // the counter's Ctrl-C handler ends with process.exit()
  process.env.DATABASE_URL = server.url
  console.log(`PostgreSQL (a temporary database) at ${server.url}`)
}

await import('../examples/counter/node.js')
