/**
 * Dispatches `seshjs <command>` and turns failures into one line and an exit
 * code (a stack trace only with `--debug`).
 *
 * @module
 */
import { decode, HELP as DECODE } from './decode.js'
import { CliError, type Io } from './io.js'
import { prune, HELP as PRUNE } from './prune.js'
import { secret, HELP as SECRET } from './secret.js'
import { sessions, HELP as SESSIONS } from './sessions.js'
import { table, HELP as TABLE } from './table.js'

export const HELP = `Usage: seshjs <command> [options]

Out-of-band work on sesh sessions, configured like the app: ARC_APP_SECRET,
ARC_APP_SECRET_ALGO, ARC_SESSION_TABLE_NAME and the AWS SDK's variables, or
REDIS_URL for sessions in Redis, or DATABASE_URL (or --postgres <url>) for
sessions in PostgreSQL.

Commands:
  secret                      print a new strong secret for ARC_APP_SECRET
  help <command>              a command's help
  table create [<name>]       create the DynamoDB session table (idempotent),
                              or the PostgreSQL one (--postgres <url>)
  decode <cookie value>       show what a session cookie holds
  sessions list|count|show|set|revoke
                              find, read, change and end sessions in the table
                              (or in Redis)
                              (revoke --user <id>: log a user out everywhere)
  prune --postgres <url>      delete expired sessions from PostgreSQL, in
                              bounded batches (for cron)

Every command takes --help, --json (output for scripts) and --debug (stack
traces on failure). Exit code 0 on success, 1 on failure, 2 on a usage error.`

type Command = (argv: string[], io: Io) => number | Promise<number>

const COMMANDS: Record<string, { run: Command; help: string }> = {
  secret: { run: secret, help: SECRET },
  table: { run: table, help: TABLE },
  decode: { run: decode, help: DECODE },
  sessions: { run: sessions, help: SESSIONS },
  prune: { run: prune, help: PRUNE },
}

/**
 * Runs one command line.
 *
 * @param argv the arguments after `seshjs`
 * @param io the process
 */
export async function run(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    // `seshjs help <command>`: that command's help
    const [topic, ...extra] = rest
    if (name === 'help' && topic !== undefined && COMMANDS[topic] && extra.length === 0) return (io.out(`${COMMANDS[topic].help}\n`), 0)
    if (rest.length > 0) {
      const what = name === 'help' && extra.length === 0 ? `unknown command "${topic}"` : `unexpected argument "${rest[0]}"`
      io.err(`seshjs: ${what} (see \`seshjs --help\`)\n`)
      return 2
    }
    io.out(`${HELP}\n`)
    return name === undefined ? 2 : 0
  }
  const command = COMMANDS[name]
  if (!command) {
    io.err(`seshjs: unknown command "${name}" (see \`seshjs --help\`)\n`)
    return 2
  }
  try {
    return await command.run(rest, io)
  } catch (error) {
    if (rest.includes('--debug')) io.err(`${(error as Error)?.stack ?? String(error)}\n`)
    io.err(`seshjs ${name}: ${oneLine(error)}\n`)
    return error instanceof CliError ? error.exitCode : 1
  }
}

/** The error as one line: its message, and its cause's name when that says more. */
function oneLine(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = error.cause instanceof Error && error.cause.message ? ` ${error.cause.message.split('\n')[0]}` : ''
  return `${error.message.split('\n')[0]}${cause && !error.message.includes(cause.trim()) ? ` —${cause}` : ''}`
}
