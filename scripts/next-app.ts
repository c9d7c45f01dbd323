/**
 * The Next.js counter (test/next/app): `next build` when its sources changed
 * since the last build, and `next start`. Offline: telemetry off, no remote
 * fonts, and `CI=1` so that Next never installs packages on its own.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
/** The app's folder. */
export const nextAppDir = join(root, 'test/next/app')
const next = join(root, 'node_modules/next/dist/bin/next')
/** What the build depends on: the app, the adapter, the core, the package's imports map. */
const SOURCES = ['test/next/app', 'adapters/next', 'src', 'package.json']
const STAMP = join(nextAppDir, '.next/sesh-sources')

/** Environment for `next build` and `next start`. */
export function nextEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, NEXT_TELEMETRY_DISABLED: '1', CI: '1' }
}

function files(path: string): string[] {
  if (statSync(path).isFile()) return [path]
  return readdirSync(path)
    .filter((name) => name !== '.next' && name !== 'node_modules' && !name.endsWith('.test.ts'))
    .sort()
    .flatMap((name) => files(join(path, name)))
}

/** A digest of the build's sources. */
function sourcesDigest(): string {
  const hash = createHash('sha256')
  for (const file of SOURCES.flatMap((path) => files(join(root, path)))) hash.update(`${relative(root, file)}\0`).update(readFileSync(file))
  return hash.digest('hex')
}

/**
 * Builds the app (`next build --webpack`) unless `.next` holds a build of the
 * same sources. Webpack, not Turbopack: sesh's TypeScript sources import each
 * other as `.js`, which webpack maps to `.ts` (next.config.mjs) and Turbopack does not.
 *
 * @returns whether it built
 */
export async function buildNextApp(): Promise<boolean> {
  const digest = sourcesDigest()
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === digest) return false
  let output = ''
  const child = spawn(process.execPath, [next, 'build', '--webpack'], {
    cwd: nextAppDir,
    env: nextEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk))
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`next build failed (${code}):\n${output}`)
  writeFileSync(STAMP, digest)
  return true
}

/**
 * Starts `next start` on `host:port` and resolves once it answers.
 *
 * @param port the port
 * @param host the address
 * @param env the server's environment (`ARC_*` configure the sessions)
 */
export async function startNextApp(
  port: number,
  host: string,
  env: NodeJS.ProcessEnv,
): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [next, 'start', '-H', host, '-p', String(port)], {
    cwd: nextAppDir,
    env: nextEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = `http://${host}:${port}`
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
  }
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${output}`)
    if (/Ready in/.test(output)) {
      try {
        await fetch(`${url}/_next/static/not-there`)
        return { url, child, stop }
      } catch {
        // not listening yet
      }
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`next start did not answer in time:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
