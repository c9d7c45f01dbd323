/**
 * `npm run start:worker`: the counter's Worker entry in local workerd through
 * `wrangler dev`, at http://localhost:$PORT (default 8787).
 *
 * Every `ARC_*` variable of the shell becomes a binding (`--var NAME:value`),
 * overriding wrangler.toml's `[vars]`; `ARC_ENV` defaults to `testing` here
 * (wrangler.toml says `production`, for deploys), as Architect's sandbox does.
 *
 * When `ARC_SESSION_TABLE_NAME` names a D1 binding of wrangler.toml
 * (`SESSIONS_DB`), its migrations (the session table) are applied to the
 * local database first: the table is made here, never on a request.
 */
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { exitIfPortInUse } from './free-port.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const port = process.env.PORT ?? '8787'

await exitIfPortInUse(Number(port), process.env.HOST ?? 'localhost')

const vars: Record<string, string> = { ARC_ENV: 'testing' }
for (const [name, value] of Object.entries(process.env)) {
  if (name.startsWith('ARC_') && value !== undefined) vars[name] = value
}
const wranglerBin = `${root}node_modules/.bin/wrangler`
// a local run sends no usage metrics and fetches no `Request.cf` data from Cloudflare
const wranglerEnv = { WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', ...process.env }

/** The D1 bindings wrangler.toml declares. */
function d1Bindings(): string[] {
  const toml = readFileSync(`${root}wrangler.toml`, 'utf8')
  return [...toml.matchAll(/^\[\[d1_databases\]\][^[]*?^binding\s*=\s*"([^"]+)"/gm)].map((match) => match[1]!)
}

const table = vars.ARC_SESSION_TABLE_NAME
if (table !== undefined && d1Bindings().includes(table)) {
  const applied = spawnSync(wranglerBin, ['d1', 'migrations', 'apply', table, '--local', '--config', 'wrangler.toml'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...wranglerEnv, CI: 'true' }, // no confirmation prompt
  })
  if (applied.status !== 0) {
    console.error(`Could not apply the D1 migrations of ${table} to the local database (wrangler d1 migrations apply ${table} --local).`)
    process.exit(1)
  }
}

const args = [
  'dev',
  '--config',
  'wrangler.toml',
  '--port',
  port,
  '--ip',
  process.env.HOST ?? 'localhost',
  '--show-interactive-dev-session=false',
]
for (const [name, value] of Object.entries(vars)) args.push('--var', `${name}:${value}`)

const wrangler = spawn(wranglerBin, args, {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: wranglerEnv,
})
let announced = false
wrangler.stdout.on('data', (chunk: Buffer) => {
  const text = chunk.toString()
  // wrangler echoes the bindings it got, values included: keep the secret out of the log
  process.stdout.write(process.env.ARC_APP_SECRET ? text.replaceAll(process.env.ARC_APP_SECRET, '(hidden)') : text)
  const ready = /Ready on (https?:\/\/\S+)/i.exec(text.replace(/\x1b\[[0-9;]*m/g, ''))
  if (!announced && ready) {
    announced = true
    // the address wrangler actually bound, not the one asked for
    console.log(`sesh counter (Worker in local workerd) listening on ${ready[1]!.replace(/\/$/, '')}`)
  }
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => wrangler.kill(signal))
wrangler.on('exit', (code) => process.exit(code ?? 0))
