/**
 * `seshjs prune`: deletes expired sessions from a PostgreSQL table, in
 * bounded batches, for cron (or pg_cron, or a scheduled task). Expired rows
 * already read as absent: this only gives their space back.
 *
 * @module
 */
import { parse, positiveInteger } from './args.js'
import { type Io, progress, usage } from './io.js'

export const HELP = `Usage: seshjs prune --postgres <url> [--table <name>] [--limit N] [--json]

Deletes expired sessions from the PostgreSQL session table, at most 1000 rows
per statement (skipping rows another transaction holds), until none is left
or --limit rows are gone. Safe to run at any time and from several places at once.

  --postgres <url>  postgres://user:password@host:port/database (default: DATABASE_URL)
  --table <name>    the table (default: sessions); may be schema.table
  --limit N         delete at most N rows this run (default: every expired row)
  --json            print {"table", "pruned", "more"}
  -h, --help        this help

Run it from cron, e.g. every 10 minutes: */10 * * * * npx seshjs prune --limit 100000`

/** Rows one statement deletes. */
const BATCH = 1000

/** Runs the command. */
export async function prune(argv: string[], io: Io): Promise<number> {
  const options = { postgres: { type: 'string' }, table: { type: 'string' }, limit: { type: 'string' } } as const
  const { values, positionals } = parse<{ postgres?: string; table?: string; limit?: string }>(argv, options, 'prune')
  if (values.help) return (io.out(`${HELP}\n`), 0)
  if (positionals.length > 0) throw usage('prune takes no arguments', 'prune')
  const limit = positiveInteger(values.limit, 'limit', 'prune')
  const url = values.postgres ?? (io.env.DATABASE_URL || undefined)
  if (url === undefined) throw usage('name the PostgreSQL database with --postgres (or DATABASE_URL)', 'prune')
  const table = values.table ?? 'sessions'
  const { CLI_STATEMENT_TIMEOUT, connectPostgres, prunePostgres, postgresUrl } = await import('./postgres.js')
  const db = await connectPostgres(postgresUrl(url, 'prune'), { statementTimeout: CLI_STATEMENT_TIMEOUT, max: 1 })
  const shown = progress(io)
  let pruned = 0
  let more = false
  try {
    for (;;) {
      const batch = limit === undefined ? BATCH : Math.min(BATCH, limit - pruned)
      if (batch <= 0) {
        more = true // the limit was reached; rows may be left
        break
      }
      const deleted = await prunePostgres(db.query, { table, limit: batch })
      pruned += deleted
      shown.update(`pruned ${pruned} expired sessions...`)
      if (deleted < batch) break
    }
  } finally {
    shown.done()
    await db.close()
  }
  if (values.json) io.out(`${JSON.stringify({ table, pruned, more })}\n`)
  else
    io.out(
      `Pruned ${pruned} expired session${pruned === 1 ? '' : 's'} from "${table}"${more ? ' (the limit was reached: more may be left)' : ''}.\n`,
    )
  return 0
}
