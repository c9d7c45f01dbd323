/**
 * Starting the counter on each runtime, for real: the Node entry as its own
 * process, the Worker entry in workerd (Miniflare), the Lambda entry under
 * Architect's sandbox through `scripts/start-lambda.ts`. Loopback only, free
 * ports, and a `stop()` for afterAll.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { vi } from 'vitest'
import { freePort } from '../../scripts/free-port.js'

export { freePort }

// Every e2e file imports this module. Starting processes and the sandbox's per-request cold starts
// need room on a busy 2-core machine; these are limits, not expectations.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 })

export const root = fileURLToPath(new URL('../..', import.meta.url))

/** A running counter. */
export interface Runtime {
  /** Which runtime. */
  name: string
  /** `http://127.0.0.1:<port>` or `http://localhost:<port>`. */
  url: string
  /** Stops it. */
  stop(): Promise<void>
}

/** Environment for child processes: no inherited `ARC_*` or `REDIS_URL` (they pick the store), no network probes, plus `env`. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('ARC_') && name !== 'REDIS_URL' && name !== 'DATABASE_URL'),
  )
  return {
    ...base,
    AWS_EC2_METADATA_DISABLED: 'true',
    WRANGLER_SEND_METRICS: 'false',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    NODE_ENV: 'development',
    ...env,
  }
}

/**
 * Runs a TypeScript script with tsx in its own process and waits for the
 * line announcing its URL.
 *
 * @param name the runtime's name
 * @param script the script, relative to the repository
 * @param env extra environment (`PORT`, `ARC_*`)
 */
export function startScript(name: string, script: string, env: Record<string, string>, timeoutMs = 90_000): Promise<Runtime> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${name} did not start in time:\n${output}`)), timeoutMs)
    function fail(error: Error) {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(error)
    }
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        child.stdout!.off('data', onData)
        resolve({
          name,
          url: match[1]!.replace('localhost', '127.0.0.1'),
          async stop() {
            if (child.exitCode !== null || child.signalCode !== null) return
            child.kill('SIGTERM')
            const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
            await exited
            clearTimeout(killer)
          },
        })
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.once('exit', (code) => fail(new Error(`${name} exited (${code}) before it was ready:\n${output}`)))
  })
}

/** The counter's Node entry (`npm start`). */
export async function startNode(env: Record<string, string>): Promise<Runtime> {
  return startScript('node', 'examples/counter/node.ts', { PORT: String(await freePort()), ...env })
}

/**
 * The counter's Lambda entry under Architect's sandbox, through the
 * `start:lambda` script (which forwards the `ARC_*` variables).
 */
export async function startLambda(env: Record<string, string>): Promise<Runtime> {
  return startScript('lambda', 'scripts/start-lambda.ts', {
    PORT: String(await freePort()),
    ARC_INTERNAL_PORT: String(await freePort()),
    ...env,
  })
}

/**
 * The counter's Worker entry (or another `entry`) in workerd (Miniflare),
 * bundled as wrangler would, with a `SESSIONS` KV namespace and `bindings`
 * (secret, `ARC_*`).
 */
export async function startWorker(
  bindings: Record<string, string>,
  entry = 'examples/counter/worker.ts',
): Promise<Runtime & { mf: Miniflare }> {
  const dir = await mkdtemp(join(tmpdir(), 'sesh-worker-'))
  const scriptPath = join(dir, 'worker.mjs')
  await build({
    entryPoints: [`${root}${entry}`],
    outfile: scriptPath,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    tsconfig: `${root}tsconfig.json`,
    external: ['cloudflare:*'],
    logLevel: 'warning',
  })
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    modulesRoot: dir,
    compatibilityDate: '2026-04-01',
    kvNamespaces: ['SESSIONS'],
    // the counter exports its session object class (ARC_SESSION_TABLE_NAME=SESSIONS_DO), as wrangler.toml binds it
    ...(entry === 'examples/counter/worker.ts'
      ? { durableObjects: { SESSIONS_DO: { className: 'CounterSessions', useSQLite: true } } }
      : {}),
    d1Databases: ['SESSIONS_DB'], // wrangler.toml's D1 binding (ARC_SESSION_TABLE_NAME=SESSIONS_DB); its table is the test's to make
    bindings,
    host: '127.0.0.1',
    port: await freePort(),
    cf: false,
  })
  const url = (await mf.ready).toString().replace(/\/$/, '')
  return {
    name: 'worker',
    url,
    mf,
    async stop() {
      await mf.dispose()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/**
 * The counter's Worker entry through `npm run start:worker`'s script
 * (`wrangler dev` on local workerd, the `ARC_*` variables passed as `--var`).
 */
export async function startWranglerDev(env: Record<string, string>): Promise<Runtime> {
  return startScript('wrangler dev', 'scripts/start-worker.ts', { PORT: String(await freePort()), HOST: '127.0.0.1', ...env })
}
