/**
 * `npm run start:lambda`: the counter's Lambda entry behind Architect's sandbox
 * (a local API Gateway), at http://localhost:$PORT (default 3333).
 *
 * The sandbox hands its functions the variables of `.env` / `prefs.arc`, not
 * its own process environment, so a plain `ARC_APP_SECRET=... sandbox` would
 * run the function with the public development key. This script forwards
 * every `ARC_*` variable of the shell (and `AWS_ENDPOINT_URL_DYNAMODB`, for a
 * local DynamoDB) to the function through the sandbox's `env` option (which
 * then stands in for `.env` / `prefs.arc`).
 */
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import sandbox from '@architect/sandbox'
import { buildLambda } from './build-lambda.js'

const cwd = fileURLToPath(new URL('../examples/counter', import.meta.url))

/** Forwarded besides `ARC_*`: where the AWS SDK finds DynamoDB (a local emulator, for a session table). */
const AWS_ENDPOINTS = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_DYNAMODB']

/** The sandbox's own settings (ports, host, logging): read by the sandbox itself, not meant for the function. */
const SANDBOX_SETTINGS = new Set([
  'ARC_API_TYPE',
  'ARC_DB_EXTERNAL',
  'ARC_EVENTS_PORT',
  'ARC_HOST',
  'ARC_HTTP_PORT',
  'ARC_INTERNAL_PORT',
  'ARC_PORT',
  'ARC_QUIET',
  'ARC_TABLES_PORT',
])

/** The shell's `ARC_*` variables (and AWS endpoints), or undefined when there are none (then `.env` / `prefs.arc` apply). */
function forwardedEnv(env: NodeJS.ProcessEnv): Record<string, string> | undefined {
  const forwarded = Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] =>
        ((entry[0].startsWith('ARC_') && !SANDBOX_SETTINGS.has(entry[0])) || AWS_ENDPOINTS.includes(entry[0])) &&
        entry[1] !== undefined,
    ),
  )
  return Object.keys(forwarded).length > 0 ? forwarded : undefined
}

/** A free loopback port. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

const port = Number(process.env.PORT ?? 3333)
// Sandbox's own service port (Lambda runtime API, SSM) defaults to 2222; pick a free one unless
// one is set, so several sandboxes (tests run in parallel) can run at once.
process.env.ARC_INTERNAL_PORT ??= String(await freePort())

// The sandbox looks for AWS credentials at start; a local run needs none, and must not probe the
// EC2 instance-metadata address for them.
process.env.AWS_EC2_METADATA_DISABLED ??= 'true'

await buildLambda()
const env = forwardedEnv(process.env)
await sandbox.start({ cwd, port, env, quiet: true, watcher: false })
console.log(`sesh counter (Lambda under Architect's sandbox) listening on http://localhost:${port}`)

let stopping = false
async function stop() {
  if (stopping) return
  stopping = true
  await sandbox.end()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
