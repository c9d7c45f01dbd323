/**
 * `seshjs table create`: the DynamoDB session table, as Architect declares it,
 * or the PostgreSQL session table (`--postgres`).
 *
 * @module
 */
import { sessionTableName } from '../src/index.js'
import { parse } from './args.js'
import { type Io, usage } from './io.js'

export const HELP = `Usage: seshjs table create [<name>] [--user-key <key>] [--json]
       seshjs table create [<name>] --postgres <url> [--json]

Creates the DynamoDB session table: hash key _idx (String), TTL on _ttl,
on-demand billing. Safe to run again: an existing table is kept.

  <name>            the table (default: ARC_SESSION_TABLE_NAME; with --postgres: sessions)
  --user-key <key>  also create a global secondary index on this session key,
                    so \`seshjs sessions list/revoke --user\` Query instead of Scan.
                    The key must hold the user id as a string: DynamoDB refuses
                    writes where an indexed attribute has another type.
  --postgres <url>  create the PostgreSQL session table instead (and its indexes on
                    expires_at and user_id), postgres://user:password@host:port/database;
                    DATABASE_URL counts when no name and no ARC_SESSION_TABLE_NAME is given.
                    The name may be schema.table.
  --json            print {"table", "created", "userIndex"}
  -h, --help        this help

Endpoint, region and credentials come from the AWS SDK's own variables
(AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB, AWS_PROFILE, ...).`

/** Runs the command. */
export async function table(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse<{ 'user-key'?: string; postgres?: string }>(
    argv,
    { 'user-key': { type: 'string' }, postgres: { type: 'string' } },
    'table create',
  )
  const [sub, name, ...rest] = positionals
  if (values.help || sub === undefined) return (io.out(`${HELP}\n`), sub === undefined && !values.help ? 2 : 0)
  if (sub !== 'create') throw usage(`unknown table command "${sub}"`, 'table create')
  if (rest.length > 0) throw usage('too many arguments', 'table create')
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

/** `table create --postgres`: the table and its indexes, if missing. */
async function postgresTable(
  url: string,
  name: string | undefined,
  values: { 'user-key'?: string; json?: boolean },
  io: Io,
): Promise<number> {
  if (values['user-key'] !== undefined) {
    throw usage(
      '--user-key is for DynamoDB: the PostgreSQL table always has its user_id index (postgresStore({ userKey }) fills it)',
      'table create',
    )
  }
  const { CLI_STATEMENT_TIMEOUT, connectPostgres, createPostgresTable, postgresUrl } = await import('./postgres.js')
  const tableName = name ?? 'sessions'
  const db = await connectPostgres(postgresUrl(url, 'table create'), { statementTimeout: CLI_STATEMENT_TIMEOUT, max: 1 })
  try {
    const created = await createPostgresTable(db.query, { table: tableName })
    if (values.json) io.out(`${JSON.stringify({ table: tableName, created })}\n`)
    else io.out(`${created ? 'Created' : 'Kept the existing'} PostgreSQL table "${tableName}".\n`)
    return 0
  } finally {
    await db.close()
  }
}
