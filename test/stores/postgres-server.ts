/**
 * A real PostgreSQL server for the tests: see scripts/postgres-server.ts
 * (shared with `npm run start:postgres`).
 */
export { type PostgresServer, type PostgresServerOptions, startPostgres } from '../../scripts/postgres-server.js'
