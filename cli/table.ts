/**
 * `seshjs table create`: the DynamoDB session table, as Architect declares it,
 * or the PostgreSQL session table (`--postgres`), or the SQLite one (`--sqlite`).
 *
 * @module
 */
import { sessionTableName } from '../src/index.js'
import { parse } from './args.js'
import { type Io, usage } from './io.js'

export const HELP = `Usage: seshjs table create [<name>] [--user-key <key>] [--json]
       seshjs table create [<name>] --postgres <url> [--json]
       seshjs table create [<name>] --sqlite <file or libsql:// URL> [--json]

Creates the DynamoDB session table: hash key _idx (String), TTL on _ttl,
on-demand billing. Safe to run again: an existing table is kept.

  <name>            the table (default: ARC_SESSION_TABLE_NAME; with --postgres or
                    --sqlite: sessions)
  --user-key <key>  also create a global secondary index on this session key,
                    so \`seshjs sessions list/revoke --user\` Query instead of Scan.
                    The key must hold the user id as a string: DynamoDB refuses
                    writes where an indexed attribute has another type.
  --postgres <url>  create the PostgreSQL session table instead (and its indexes on
                    expires_at and user_id), postgres://user:password@host:port/database;
                    DATABASE_URL counts when no name and no ARC_SESSION_TABLE_NAME is given.
                    The name may be schema.table.
  --sqlite <file>   create the SQLite session table instead (and its indexes), in a
                    SQLite file (created if missing) or a libSQL server's libsql:// URL
                    (LIBSQL_AUTH_TOKEN), through @libsql/client. A local D1 is a file under
                    .wrangler/state/v3/d1/miniflare-D1DatabaseObject/; on D1, prefer a
                    migration with the statements of sqliteTableStatements().
  --json            print {"table", "created", "userIndex"}
  -h, --help        this help

Endpoint, region and credentials come from the AWS SDK's own variables
(AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB, AWS_PROFILE, ...).`

/** Runs the command. */
export async function table(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse<{ 'user-key'?: string; postgres?: string; sqlite?: string }>(
    argv,
    { 'user-key': { type: 'string' }, postgres: { type: 'string' }, sqlite: { type: 'string' } },
    'table create',
  )
  const [sub, name, ...rest] = positionals
  if (values.help || sub === undefined) return (io.out(`${HELP}\n`), sub === undefined && !values.help ? 2 : 0)
  if (sub !== 'create') throw usage(`unknown table command "${sub}"`, 'table create')
  if (rest.length > 0) throw usage('too many arguments', 'table create')
  if (values.sqlite !== undefined) {
    if (values.postgres !== undefined) throw usage('give --sqlite or --postgres, not both', 'table create')
    return sqliteTable(values.sqlite, name, values, io)
  }
  const postgresUrl = values.postgres ?? (name === undefined && !sessionTableName(io.env) ? io.env.DATABASE_URL || undefined : undefined)
  if (postgresUrl !== undefined) return postgresTable(postgresUrl, name, values, io)
  const tableName = name ?? sessionTableName(io.env)
  if (!tableName) throw usage('name the table, or set ARC_SESSION_TABLE_NAME', 'table create')
  const { createSessionTable, userIndexName } = await import('./dynamo.js')
  const userKey = values['user-key']
  const created = await createSessionTable({ table: tableName, ...(userKey ? { userKey } : {}) })
  const userIndex = userKey ? userIndexName(userKey) : undefined
  if (values.json) io.out(`${JSON.stringify({ table: tableName, created, ...(userIndex ? { userIndex } : {}) })}\n`)
  else io.out(`${created ? 'Created' : 'Kept the existing'} table "${tableName}"${userIndex ? ` with user index "${userIndex}"` : ''}.\n`)
  return 0
}

/** The SQL tables always have their user_id index: `--user-key` (a DynamoDB index) is a usage error there. */
function refuseUserKey(values: { 'user-key'?: string }, database: string, store: string): void {
  if (values['user-key'] === undefined) return
  throw usage(
    `--user-key is for DynamoDB: the ${database} table always has its user_id index (${store}({ userKey }) fills it)`,
    'table create',
  )
}

/** What `table create` prints for a SQL table. */
function printCreated(io: Io, values: { json?: boolean }, tableName: string, created: boolean, database: string): number {
  if (values.json) io.out(`${JSON.stringify({ table: tableName, created })}\n`)
  else io.out(`${created ? 'Created' : 'Kept the existing'} ${database} table "${tableName}".\n`)
  return 0
}

/** `table create --postgres`: the table and its indexes, if missing. */
async function postgresTable(
  url: string,
  name: string | undefined,
  values: { 'user-key'?: string; json?: boolean },
  io: Io,
): Promise<number> {
  refuseUserKey(values, 'PostgreSQL', 'postgresStore')
  const { CLI_STATEMENT_TIMEOUT, connectPostgres, createPostgresTable, postgresUrl } = await import('./postgres.js')
  const tableName = name ?? 'sessions'
  const db = await connectPostgres(postgresUrl(url, 'table create'), { statementTimeout: CLI_STATEMENT_TIMEOUT, max: 1 })
  try {
    const created = await createPostgresTable(db.query, { table: tableName })
    return printCreated(io, values, tableName, created, 'PostgreSQL')
  } finally {
    await db.close()
  }
}

/** `table create --sqlite`: the table and its indexes, if missing. */
async function sqliteTable(
  value: string,
  name: string | undefined,
  values: { 'user-key'?: string; json?: boolean },
  io: Io,
): Promise<number> {
  refuseUserKey(values, 'SQLite', 'sqliteStore')
  const { connectSqlite, createSqliteTable, sqliteUrl } = await import('./sqlite.js')
  const tableName = name ?? 'sessions'
  const db = await connectSqlite(sqliteUrl(value, 'table create', true), io.env)
  try {
    const created = await createSqliteTable(db.query, { table: tableName })
    return printCreated(io, values, tableName, created, 'SQLite')
  } finally {
    await db.close()
  }
}
