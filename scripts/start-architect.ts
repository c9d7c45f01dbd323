/**
 * `npm run start:architect`: the Architect example (examples/architect: the
 * counter, the login flow and a flash message, written with `sesh/architect`)
 * under Architect's sandbox, at http://localhost:$PORT (default 3333).
 *
 * The sandbox hands its functions the variables of `.env` / `prefs.arc`, not
 * its own environment, so this forwards every `ARC_*` variable of the shell to
 * the functions (the sandbox's `env` option). Every other port the sandbox
 * opens (its internal `_arc` service, tables, events) is a free one unless set
 * (`ARC_INTERNAL_PORT`, `ARC_TABLES_PORT`, `ARC_EVENTS_PORT`), so several
 * sandboxes can run at once.
 */
import { createServer } from 'node:net'
import sandbox from '@architect/sandbox'
import { buildArchitect } from './build-architect.js'

/** The shell's `ARC_*` variables (empty values dropped). */
export function forwardedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[0].startsWith('ARC_') && Boolean(entry[1])),
  )
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
for (const name of ['ARC_INTERNAL_PORT', 'ARC_TABLES_PORT', 'ARC_EVENTS_PORT']) {
  process.env[name] ??= String(await freePort())
}
// The sandbox looks for AWS credentials at start; a local run needs none and must not probe the
// EC2 instance-metadata address for them.
process.env.AWS_EC2_METADATA_DISABLED ??= 'true'

const cwd = await buildArchitect()
// Sandbox's own variables (ARC_APP_NAME, ARC_ENV, ARC_SANDBOX, ...) win over forwarded ones.
const env = forwardedEnv(process.env)
await sandbox.start({ cwd, port, env, quiet: true, watcher: false })
console.log(`sesh Architect example (Architect's sandbox) listening on http://localhost:${port}`)

let stopping = false
async function stop() {
  if (stopping) return
  stopping = true
  await sandbox.end()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
