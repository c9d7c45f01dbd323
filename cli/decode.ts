/**
 * `seshjs decode`: what a session cookie holds, read with `ARC_APP_SECRET`
 * through the same engine the app runs.
 *
 * @module
 */
import { cookieStore, createSessions, resolveConfig, sessionTableName, type SessionStore } from '../src/index.js'
import { serverStore } from '../src/stores/index.js'
import { parse } from './args.js'
import { CliError, type Io, usage } from './io.js'

export const HELP = `Usage: seshjs decode <cookie value> [--table <name>] [--json]

Reads a session cookie (the value of _idx, with or without "_idx=", URL-encoded
or not) with ARC_APP_SECRET (and ARC_APP_SECRET_ALGO), as the app would:
  - an encrypted cookie (JWE, the cookie store): prints its data and issued-at;
  - a signed id (<id>.<signature>, DynamoDB sessions): prints the id, and with
    --table (or ARC_SESSION_TABLE_NAME) the session stored under it.
A cookie that does not open (another secret, tampered, expired) exits with 1.
The environment is read as the app reads it: in production (ARC_ENV or
NODE_ENV) without ARC_APP_SECRET, nothing is opened with the public
development key; the command stops, as the app does.

Options:
  --table <name>  read the session of a signed id from this DynamoDB table
  --json          print JSON
  -h, --help      this help`

const JWE = /^[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]*){4}$/

function cookieValue(input: string): string {
  let value = input.trim()
  if (value.startsWith('_idx=')) value = value.slice(5)
  value = value.split(';')[0]!.trim()
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

/** Loads the session `value` names through an engine over `store`; `warn` prints each warning once. */
async function load(io: Io, store: SessionStore, value: string, warn: (message: string) => void) {
  const engine = createSessions(resolveConfig({ env: io.env, store, onWarning: warn }))
  const session = engine.open(value)
  const data = await session.all()
  return { session, data }
}

/** Runs the command. */
export async function decode(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse<{ table?: string }>(argv, { table: { type: 'string' } }, 'decode')
  if (values.help) return (io.out(`${HELP}\n`), 0)
  if (positionals.length !== 1) throw usage('give one cookie value', 'decode')
  const value = cookieValue(positionals[0]!)
  const warned = new Set<string>() // a signed id is opened twice (verified, then read from the table): one warning
  const warn = (message: string) => {
    if (!warned.has(message)) io.err(`warning: ${message}\n`)
    warned.add(message)
  }
  const print = (result: Record<string, unknown>, text: string) => io.out(values.json ? `${JSON.stringify(result)}\n` : `${text}\n`)

  if (JWE.test(value)) {
    const { session, data } = await load(io, cookieStore(), value, warn)
    if (session.isNew) throw new CliError('The cookie does not open with this secret: another secret, tampered, or expired.')
    const { issuedAt } = session.info
    print(
      { kind: 'jwe', data, issuedAt },
      `Encrypted session cookie (JWE), issued ${new Date(issuedAt! * 1000).toISOString()}\n${JSON.stringify(data, null, 2)}`,
    )
    return 0
  }

  // A signed id: verify the signature with a keeper that has every id, then (with a table) read it for real.
  let verified: string | undefined
  const probe = serverStore({
    async get(id) {
      verified = id
      return { data: { probe: true }, expiresAt: Number.MAX_SAFE_INTEGER }
    },
    async set() {},
    async delete() {},
  })
  await load(io, probe, value, warn)
  if (verified === undefined) throw new CliError('The cookie is not a session id signed with this secret: another secret, or tampered.')
  const table = values.table ?? sessionTableName(io.env)
  if (!table) {
    print({ kind: 'signed-id', id: verified }, `Signed session id: ${verified}`)
    return 0
  }
  const { dynamoStore } = await import('./dynamo.js')
  const { session, data } = await load(io, dynamoStore({ table }), value, warn)
  if (session.isNew) {
    print(
      { kind: 'signed-id', id: verified, session: null },
      `Signed session id: ${verified}\nNo live session with this id in table "${table}".`,
    )
    return 0
  }
  const { issuedAt, expiresAt } = session.info
  print(
    { kind: 'signed-id', id: verified, session: { data, issuedAt, expiresAt } },
    `Signed session id: ${verified}\n${JSON.stringify(data, null, 2)}`,
  )
  return 0
}
