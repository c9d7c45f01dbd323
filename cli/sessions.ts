/**
 * `seshjs sessions`: list, show, change and revoke sessions in a DynamoDB
 * table, a Redis server or a PostgreSQL table, through the admin API (`seshjs/admin`) and the
 * same configuration as the app.
 *
 * @module
 */
import type { RedisClientType } from 'redis'
import { createSessions, resolveConfig, sessionTableName, type SessionStore } from '../src/index.js'
import { createAdmin, isSessionId, type SessionAdmin, type SessionSummary } from '../src/admin/index.js'
import { type CommonFlags, parse, positiveInteger } from './args.js'
import { CliError, type Io, printable, progress, usage } from './io.js'

export const HELP = `Usage: seshjs sessions <command> [options]

Commands:
  list [--user <id>] [--limit N]   the live sessions (or one user's)
  count                            how many live sessions there are (reads the whole table)
  show <id>                        one session: data, issued-at, expiry
  set <id> key=value... [--unset key]...
                                   change a session; values are parsed as JSON when they
                                   are JSON (42, true, {"a":1}, "quoted"), else kept as strings
  revoke <id>                      end one session: its next request starts afresh
                                   (an id no session can have is refused: exit code 2)
  revoke --user <id>               end every session of one user ("log out everywhere")

Options:
  --table <name>    the DynamoDB table (default: ARC_SESSION_TABLE_NAME)
  --redis <url>     the Redis server instead, redis://[[user]:password@]host[:port][/db]
                    (default: REDIS_URL, when no table is named)
  --postgres <url>  a PostgreSQL table instead (--table names it; default: sessions),
                    postgres://user:password@host:port/database
                    (default: DATABASE_URL, when no table and no Redis server is named)
  --prefix <text>   Redis: the key prefix the app's redisStore() uses (default: session:)
  --user-index      Redis: the app keeps the per-user index (redisStore({ userKey })) on
                    --user-key: find a user's sessions through it, and keep it up to date
  --user-key <key>  the session key holding the user id (default: user)
  --ttl <seconds>   the app's idle ttl, if not the default 7 days (a change renews the
                    session for this long, as the app's own write would)
  --json            JSON output: list prints an array of {id, data, issuedAt, expiresAt}
  -h, --help        this help

Which store: --postgres, --redis or --table as given (two of --postgres, --redis
and a DynamoDB --table is a usage error); else ARC_SESSION_TABLE_NAME (DynamoDB),
else REDIS_URL (Redis), else DATABASE_URL (PostgreSQL).

A user's sessions are found with a Query when the table has the user index
(\`seshjs table create --user-key\`), else with a Scan of the whole table; in
Redis through the index with --user-index, else with a SCAN of every session;
in PostgreSQL through the user_id index when --user-key is the app's
postgresStore({ userKey }) (both default to user), else by reading every row.
A change or revoke is seen by the session's next request; a request that was
writing the session when it was revoked does not bring it back.`

const OPTIONS = {
  table: { type: 'string' },
  redis: { type: 'string' },
  postgres: { type: 'string' },
  prefix: { type: 'string' },
  'user-index': { type: 'boolean' },
  user: { type: 'string' },
  'user-key': { type: 'string' },
  limit: { type: 'string' },
  unset: { type: 'string', multiple: true },
  ttl: { type: 'string' },
} as const

interface Values {
  table?: string
  redis?: string
  postgres?: string
  prefix?: string
  'user-index'?: boolean
  user?: string
  'user-key'?: string
  limit?: string
  unset?: string[]
  ttl?: string
}

const COMMANDS = ['list', 'count', 'show', 'set', 'revoke']
/** The options that only some commands take. */
const ONLY: Record<string, string[]> = { user: ['list', 'revoke'], limit: ['list'], unset: ['set'] }

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`

const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace(/\.000Z$/, 'Z')

/** Text from the store or the command line, quoted for a message: JSON, and nothing a terminal acts on. */
const quoted = (text: string) => printable(JSON.stringify(text))

function line(session: SessionSummary): string {
  const data = JSON.stringify(session.data)
  return printable(`${session.id}  expires ${iso(session.expiresAt)}  ${data.length > 120 ? `${data.slice(0, 117)}...` : data}`)
}

function details(session: SessionSummary): string {
  return [
    `id:         ${session.id}`,
    `issued at:  ${iso(session.issuedAt)}`,
    `expires at: ${iso(session.expiresAt)}${session.absoluteExpiresAt === undefined ? '' : ` (at the latest ${iso(session.absoluteExpiresAt)})`}`,
    `data:       ${JSON.stringify(session.data, null, 2).replace(/\n/g, '\n            ')}`,
  ]
    .map((text) => printable(text, true))
    .join('\n')
}

/** `key=value` → [key, value], the value read as JSON when it is JSON. */
function assignment(text: string): [string, unknown] {
  const eq = text.indexOf('=')
  if (eq <= 0) throw usage(`${quoted(text)} is not key=value`, 'sessions set')
  const raw = text.slice(eq + 1)
  try {
    return [text.slice(0, eq), JSON.parse(raw)]
  } catch {
    return [text.slice(0, eq), raw]
  }
}

/** The store the options name, and how to let go of its connection. */
async function storeFor(values: Values, io: Io): Promise<{ store: SessionStore; close(): Promise<void> }> {
  if (values.table !== undefined && values.redis !== undefined) throw usage('give --table or --redis, not both', 'sessions')
  if (values.postgres !== undefined && values.redis !== undefined) throw usage('give --postgres or --redis, not both', 'sessions')
  // --postgres wins (its --table names the PostgreSQL table); then a table named anywhere is DynamoDB (as in
  // the app); REDIS_URL counts when no table is named, and DATABASE_URL when neither is.
  const postgresUrl =
    values.postgres ??
    (values.table === undefined && values.redis === undefined && !sessionTableName(io.env) && !io.env.REDIS_URL
      ? io.env.DATABASE_URL || undefined
      : undefined)
  if (postgresUrl !== undefined) {
    if (values.prefix !== undefined || values['user-index'])
      throw usage('--prefix and --user-index are options of a Redis store', 'sessions')
    const { CLI_STATEMENT_TIMEOUT, connectPostgres, postgresStore, postgresUrl: checked } = await import('./postgres.js')
    const db = await connectPostgres(checked(postgresUrl, 'sessions'), { statementTimeout: CLI_STATEMENT_TIMEOUT, max: 4 })
    const store = postgresStore({ query: db.query, table: values.table, userKey: values['user-key'] ?? 'user', prune: false })
    return { store, close: () => db.close() }
  }
  const table = values.redis === undefined ? (values.table ?? sessionTableName(io.env)) : undefined
  const url = table === undefined ? (values.redis ?? (io.env.REDIS_URL || undefined)) : undefined
  if (table !== undefined) {
    if (values.prefix !== undefined || values['user-index'])
      throw usage('--prefix and --user-index are options of a Redis store', 'sessions')
    const { dynamoStore } = await import('./dynamo.js')
    return { store: dynamoStore({ table }), close: async () => {} }
  }
  if (url === undefined) {
    throw usage(
      'name the DynamoDB table with --table (or ARC_SESSION_TABLE_NAME), or the Redis server with --redis (or REDIS_URL), or the PostgreSQL database with --postgres (or DATABASE_URL)',
      'sessions',
    )
  }
  if (!isRedisUrl(url)) throw usage('--redis (or REDIS_URL) must be a redis:// or rediss:// URL', 'sessions')
  const { createRedisClient, redisStore } = await import('./redis.js')
  const client = await createRedisClient({ url })
  await connected(client, url)
  const userKey = values['user-index'] ? (values['user-key'] ?? 'user') : undefined
  const store = redisStore({
    client,
    ...(values.prefix === undefined ? {} : { prefix: values.prefix }),
    ...(userKey === undefined ? {} : { userKey }),
  })
  return { store, close: async () => client.destroy() }
}

/**
 * Waits for the client's first connection, so a server that cannot be reached
 * fails with the reason (refused, timed out, unknown host) instead of a
 * command's deadline.
 */
async function connected(client: RedisClientType, url: string): Promise<void> {
  if (client.isReady) return
  await new Promise<void>((resolve, reject) => {
    const ready = () => {
      client.off('error', failed)
      resolve()
    }
    const failed = (cause: unknown) => {
      client.off('ready', ready)
      client.destroy()
      reject(new CliError(`Cannot connect to Redis at ${withoutPassword(url)}`, 1, { cause }))
    }
    client.once('ready', ready)
    client.once('error', failed)
  })
}

/** Whether node-redis takes `url`: redis:// or rediss://, with a valid port. */
function isRedisUrl(url: string): boolean {
  try {
    return ['redis:', 'rediss:'].includes(new URL(url).protocol)
  } catch {
    return false
  }
}

/** The URL for messages: no password. */
function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.href
  } catch {
    return 'the given URL'
  }
}

async function adminFor(values: Values, io: Io, store: SessionStore): Promise<SessionAdmin> {
  const ttl = positiveInteger(values.ttl, 'ttl', 'sessions')
  const config = resolveConfig({ env: io.env, store, onWarning: () => {}, ...(ttl ? { ttl } : {}) })
  return createAdmin(createSessions(config), { userKey: values['user-key'] ?? 'user' })
}

/** Runs the command. */
export async function sessions(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse<Values>(argv, OPTIONS, 'sessions')
  const [command, ...rest] = positionals
  if (values.help || command === undefined) {
    io.out(`${HELP}\n`)
    return values.help ? 0 : 2
  }
  const work = planOf(command, rest, values, io) // the arguments checked before any connection is made
  const { store, close } = await storeFor(values, io)
  try {
    return await work(await adminFor(values, io, store))
  } finally {
    await close() // an open Redis connection would keep the process alive
  }
}

/** What the command does with the admin API, once its arguments are checked. */
function planOf(command: string, rest: string[], values: Values & CommonFlags, io: Io): (admin: SessionAdmin) => Promise<number> {
  const json = values.json === true
  const print = (result: unknown, text: string) => io.out(json ? `${printable(JSON.stringify(result))}\n` : `${printable(text, true)}\n`)
  /** A session id from the command line: an id no session can have is refused before the store is asked. */
  const sessionId = (id: string) => {
    if (!isSessionId(id)) {
      throw usage(`${quoted(id)} is not a session id (session ids are 24 characters of A-Z, a-z, 0-9, _ and -)`, 'sessions')
    }
    return id
  }
  if (COMMANDS.includes(command)) {
    for (const [option, commands] of Object.entries(ONLY)) {
      if (values[option as keyof Values] !== undefined && !commands.includes(command))
        throw usage(`--${option} is not an option of sessions ${command}`, 'sessions')
    }
  }
  positiveInteger(values.ttl, 'ttl', 'sessions') // checked before connecting
  const one = () => {
    if (rest.length !== 1) throw usage(`sessions ${command} takes one session id`, 'sessions')
    return sessionId(rest[0]!)
  }

  switch (command) {
    case 'list': {
      if (rest.length > 0) throw usage('sessions list takes no arguments', 'sessions')
      const limit = positiveInteger(values.limit, 'limit', 'sessions')
      return async (admin) => {
        const shown = progress(io)
        const found: SessionSummary[] = []
        for await (const session of admin.sessions({ ...(values.user === undefined ? {} : { user: values.user }) })) {
          found.push(session)
          if (!json) io.out(`${line(session)}\n`)
          shown.update(`listed ${plural(found.length, 'session')}...`)
          if (limit !== undefined && found.length >= limit) break
        }
        shown.done()
        if (json) io.out(`${printable(JSON.stringify(found))}\n`)
        else if (found.length === 0) io.out(`No live sessions${values.user === undefined ? '' : ` of user ${quoted(values.user)}`}.\n`)
        return 0
      }
    }
    case 'count':
      if (rest.length > 0) throw usage('sessions count takes no arguments', 'sessions')
      return async (admin) => {
        const count = await admin.count()
        print({ count }, `${plural(count, 'live session')}`)
        return 0
      }
    case 'show': {
      const id = one()
      return async (admin) => {
        const session = await admin.get(id)
        if (!session) throw new CliError(`No live session with id ${quoted(id)}.`)
        print(session, details(session))
        return 0
      }
    }
    case 'set': {
      const [given, ...pairs] = rest
      if (given === undefined || (pairs.length === 0 && !values.unset?.length)) {
        throw usage('sessions set takes an id and key=value pairs (or --unset key)', 'sessions')
      }
      const id = sessionId(given)
      const changes: Record<string, unknown> = Object.fromEntries(pairs.map(assignment))
      for (const key of values.unset ?? []) changes[key] = undefined
      return async (admin) => {
        const session = await admin.patch(id, changes)
        if (!session) throw new CliError(`No live session with id ${quoted(id)}: nothing was written.`)
        print(session, details(session))
        return 0
      }
    }
    case 'revoke': {
      if (values.user !== undefined) {
        const user = values.user
        if (rest.length > 0) throw usage('give a session id or --user, not both', 'sessions')
        return async (admin) => {
          const shown = progress(io)
          const revoked = await admin.revokeUser(user, { onProgress: (n) => shown.update(`revoked ${plural(n, 'session')}...`) })
          shown.done()
          print({ user, revoked }, `Revoked ${plural(revoked, 'session')} of user ${quoted(user)}.`)
          return 0
        }
      }
      const id = one()
      return async (admin) => {
        const revoked = await admin.revoke(id)
        print({ id, revoked }, revoked ? `Revoked session ${quoted(id)}.` : `No live session with id ${quoted(id)} (nothing to revoke).`)
        return 0
      }
    }
    default:
      throw usage(`unknown sessions command ${quoted(command)}`, 'sessions')
  }
}
