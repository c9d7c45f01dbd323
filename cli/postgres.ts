/**
 * The PostgreSQL half of the CLI, loaded only by the commands that need it:
 * `seshjs/postgres` loads a driver (`pg`, else postgres.js) only when
 * `connectPostgres()` is called.
 *
 * @module
 */
import { usage } from './io.js'

export { connectPostgres, createPostgresTable, DEFAULT_PRUNE_LIMIT, postgresStore, prunePostgres } from '../src/stores/postgres/index.js'

/** Statements of the CLI may read a whole table (`sessions count`): a minute before PostgreSQL cancels one. */
export const CLI_STATEMENT_TIMEOUT = 60_000

/**
 * The database URL of `--postgres` (or `DATABASE_URL`), checked before any
 * connection: anything but a `postgres://` or `postgresql://` URL is a usage error.
 *
 * @param url the URL
 * @param command the command, for the message
 */
export function postgresUrl(url: string, command: string): string {
  let scheme: string | undefined
  try {
    scheme = new URL(url).protocol
  } catch {}
  if (scheme !== 'postgres:' && scheme !== 'postgresql:') {
    throw usage('--postgres (or DATABASE_URL) must be a postgres://user:password@host:port/database URL', command)
  }
  return url
}
