/**
 * `seshjs secret`: a new strong secret for `ARC_APP_SECRET`.
 *
 * @module
 */
import { parse, positiveInteger } from './args.js'
import type { Io } from './io.js'

export const HELP = `Usage: seshjs secret [--bytes N] [--json]

Prints a new random secret for ARC_APP_SECRET: N random bytes (default 32,
at least 32), base64. Set it in every environment that reads or writes the
sessions (Architect: \`npx arc env -e production --add ARC_APP_SECRET <secret>\`).

Options:
  --bytes N   how many random bytes (32 to 1024)
  --json      print {"secret": "..."}
  -h, --help  this help`

/** Runs the command. */
export function secret(argv: string[], io: Io): number {
  const { values } = parse<{ bytes?: string }>(argv, { bytes: { type: 'string' } }, 'secret')
  if (values.help) return io.out(`${HELP}\n`), 0
  const bytes = positiveInteger(values.bytes, 'bytes', 'secret') ?? 32
  if (bytes < 32 || bytes > 1024) throw new Error('--bytes must be between 32 and 1024')
  const value = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(bytes))))
  io.out(values.json ? `${JSON.stringify({ secret: value })}\n` : `${value}\n`)
  return 0
}
