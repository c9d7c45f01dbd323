/**
 * `seshjs secret`: a new strong secret for `ARC_APP_SECRET`.
 *
 * @module
 */
import { noArguments, parse, positiveInteger } from './args.js'
import type { Io } from './io.js'

export const HELP = `Usage: seshjs secret [--bytes N] [--json]

Prints a new random secret for ARC_APP_SECRET: N random bytes (default 32,
at least 32), base64. Set it in every environment that reads or writes the
sessions (Architect:
\`npx @architect/architect env --add --env production ARC_APP_SECRET <secret>\`).

Options:
  --bytes N   how many random bytes (32 to 1024)
  --json      print {"secret": "..."}
  -h, --help  this help`

/** Runs the command. */
export function secret(argv: string[], io: Io): number {
  const { values, positionals } = parse<{ bytes?: string }>(argv, { bytes: { type: 'string' } }, 'secret')
  if (values.help) return (io.out(`${HELP}\n`), 0)
  noArguments(positionals, 'secret')
  const bytes = positiveInteger(values.bytes, 'bytes', 'secret', { min: 32, max: 1024 }) ?? 32
  const value = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(bytes))))
  io.out(values.json ? `${JSON.stringify({ secret: value })}\n` : `${value}\n`)
  return 0
}
