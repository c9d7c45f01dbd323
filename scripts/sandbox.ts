/**
 * Running an Architect project under Architect's sandbox (a local API Gateway)
 * for the start scripts: free ports, and the shell's configuration forwarded
 * into the functions.
 *
 * The sandbox hands its functions the variables of `.env` / `prefs.arc`, not
 * its own process environment, so a plain `ARC_APP_SECRET=... sandbox` would
 * run them with the public development key. {@link runSandbox} forwards every
 * `ARC_*` variable of the shell (and the AWS endpoints, for a local DynamoDB)
 * through the sandbox's `env` option, which then stands in for `.env` / `prefs.arc`.
 */
import sandbox from '@architect/sandbox'
import { exitIfPortInUse, freePort } from './free-port.js'

/** Forwarded besides `ARC_*`: where the AWS SDK finds DynamoDB (a local emulator, for a session table). */
const AWS_ENDPOINTS = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_DYNAMODB']

/** The sandbox's own settings (ports, host, logging): read by the sandbox itself, not meant for the functions. */
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

/** The ports the sandbox opens besides HTTP; each is a free one unless set, so several sandboxes can run at once. */
const SANDBOX_PORTS = ['ARC_INTERNAL_PORT', 'ARC_TABLES_PORT', 'ARC_EVENTS_PORT']

/**
 * The shell's variables meant for the functions: `ARC_*` (but the sandbox's
 * own settings) and the AWS endpoints; empty values dropped.
 *
 * @param env the shell's environment
 */
export function forwardedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] =>
        Boolean(entry[1]) && ((entry[0].startsWith('ARC_') && !SANDBOX_SETTINGS.has(entry[0])) || AWS_ENDPOINTS.includes(entry[0])),
    ),
  )
}

/**
 * Starts the sandbox on the project in `cwd`, at `PORT` (default 3333), prints
 * `<label> listening on <url>`, and stops it on SIGINT/SIGTERM.
 *
 * @param cwd the Architect project (its `app.arc`)
 * @param label what is being served, for the start-up line
 */
/** The start of sesh's development-key warning (`resolveConfig` in src/options.ts). */
export const DEVELOPMENT_KEY_WARNING = 'sesh: no ARC_APP_SECRET is set'

/**
 * The sandbox runs every request in a new Node process and copies its output
 * to ours, so a warning the library gives once per process would repeat on
 * every request. Pass each distinct line containing `marker` through once,
 * and drop its repeats; everything else is written as it comes.
 *
 * @param stream where the sandbox copies the functions' output
 * @param marker the text of the lines to show once
 */
export function onceOnly(stream: NodeJS.WriteStream, marker: string): void {
  const write = stream.write.bind(stream) as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean
  const shown = new Set<string>()
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    if (!text.includes(marker)) return write(chunk, ...rest)
    const lines = text.split('\n').filter((line) => {
      if (!line.includes(marker)) return true
      if (shown.has(line.trim())) return false
      shown.add(line.trim())
      return true
    })
    const kept = lines.join('\n')
    if (kept.trim() === '') {
      const callback = rest.find((arg): arg is () => void => typeof arg === 'function')
      callback?.()
      return true
    }
    return write(kept, ...rest)
  }) as typeof stream.write
}

export async function runSandbox(cwd: string, label: string): Promise<void> {
  onceOnly(process.stderr, DEVELOPMENT_KEY_WARNING)
  onceOnly(process.stdout, DEVELOPMENT_KEY_WARNING)
  const port = Number(process.env.PORT ?? 3333)
  await exitIfPortInUse(port)
  for (const name of SANDBOX_PORTS) process.env[name] ??= String(await freePort())
  // The sandbox looks for AWS credentials at start; a local run needs none and must not
  // probe the EC2 instance-metadata address (not loopback) for them.
  process.env.AWS_EC2_METADATA_DISABLED ??= 'true'
  const env = forwardedEnv(process.env)
  await sandbox.start({ cwd, port, env: Object.keys(env).length > 0 ? env : undefined, quiet: true, watcher: false })
  console.log(`${label} listening on http://localhost:${port}`)

  let stopping = false
  async function stop() {
    if (stopping) return
    stopping = true
    await sandbox.end()
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
