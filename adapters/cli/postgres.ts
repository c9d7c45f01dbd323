/**
 * The PostgreSQL half of the CLI, loaded only by the commands that need it:
 * `seshjs/postgres` loads a driver (`pg`, else postgres.js) only when
 * `connectPostgres()` is called.
 *
 * @module
 */
export { connectPostgres, createPostgresTable, DEFAULT_PRUNE_LIMIT, postgresStore, prunePostgres } from '../../src/stores/postgres/index.js'

/** Statements of the CLI may read a whole table (`sessions count`): a minute before PostgreSQL cancels one. */
export const CLI_STATEMENT_TIMEOUT = 60_000
