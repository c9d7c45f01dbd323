/**
 * A real PostgreSQL server (Debian's `postgresql` package) for the tests and
 * `npm run start:postgres`: `initdb` into a temporary folder and `postgres`
 * on a free loopback port (or the one asked for),
 * both as the unprivileged `postgres` user when the tests run as root (initdb
 * refuses root), as the current user otherwise. `close()` stops it and removes
 * the folder; `stop()`/`start()` take it down and bring it back on the same
 * port and data. Every wait is bounded.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freePort } from './free-port.js'

const run = promisify(execFile)

/** A running (or stopped) PostgreSQL server. */
export interface PostgresServer {
  port: number
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication: no password). */
  url: string
  /** Stops it (a fast shutdown: everything committed is kept). */
  stop(): Promise<void>
  /** Starts it again on the same port and folder. */
  start(): Promise<void>
  /** Stops it for good and removes its folder. */
  close(): Promise<void>
  /** The same, synchronously, for a process `'exit'` handler (waits for the server to stop, at most 10 s). */
  closeSync(): void
}

/** What to say when the server's programs are missing. */
export const POSTGRES_MISSING =
  'PostgreSQL is not installed: install it (apt-get install postgresql, brew install postgresql), or set DATABASE_URL to a running server'

/** Where the server's programs are: the newest /usr/lib/postgresql/<version>/bin (Debian), else on the PATH (Homebrew). */
async function binaries(): Promise<string> {
  const root = '/usr/lib/postgresql'
  const versions = await readdir(root).catch(() => [] as string[])
  const newest = versions.filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))[0]
  return newest ? join(root, newest, 'bin') : ''
}

/** The user the server runs as: `postgres` when we are root (initdb and postgres refuse root), else ourselves. */
async function account(): Promise<{ uid: number; gid: number } | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])])
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
}

/** What a caller asks of its server. */
export interface PostgresServerOptions {
  /** Keep fsync on: acknowledged commits survive a crash, not just a stop. */
  durable?: boolean
  /** A fixed port (default: a free one). */
  port?: number
}

/**
 * Starts a PostgreSQL server on 127.0.0.1.
 *
 * @param options durability, a fixed port
 */
export async function startPostgres(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const bin = await binaries()
  const user = await account()
  const port = options.port ?? (await freePort())
  const dir = await mkdtemp(join(tmpdir(), 'sesh-postgres-'))
  const data = join(dir, 'data')
  const as = user ? { uid: user.uid, gid: user.gid } : {}
  try {
    if (user) await chown(dir, user.uid, user.gid)
    await run(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync'], {
      ...as,
      cwd: dir,
      timeout: 60_000,
    })
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${POSTGRES_MISSING} (.ci/run installs the postgresql package)`)
    throw error
  }
  const args = [
    '-D',
    data,
    '-p',
    String(port),
    '-h',
    '127.0.0.1',
    '-k',
    dir,
    '-c',
    'max_connections=60',
    '-c',
    'shared_buffers=16MB',
    ...(options.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
  ]
  let child: ChildProcess | undefined
  let exited: Promise<void> = Promise.resolve()
  let output = ''

  async function ready(process: ChildProcess): Promise<void> {
    const deadline = Date.now() + 30_000
    for (;;) {
      if (process.exitCode !== null || process.signalCode !== null) throw new Error(`postgres exited before it was ready:\n${output}`)
      try {
        await run(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-t', '1'], {
          timeout: 5000,
        })
        return
      } catch {
        if (Date.now() > deadline) throw new Error(`postgres was not ready within 30 s:\n${output}`)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
  }

  async function start(): Promise<void> {
    const process = spawn(join(bin, 'postgres'), args, { ...as, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
    child = process
    process.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    process.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    exited = new Promise((resolve) => process.once('exit', () => resolve()))
    process.once('error', () => {})
    try {
      await ready(process)
    } catch (error) {
      process.kill('SIGKILL') // never leave a server behind that did not come up
      throw error
    }
  }

  async function stop(): Promise<void> {
    const process = child
    if (!process || process.exitCode !== null || process.signalCode !== null) return
    process.kill('SIGINT') // a fast shutdown: open connections are ended, committed work is kept
    const killer = setTimeout(() => process.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(killer)
    child = undefined
  }

  try {
    await start()
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop,
    start,
    async close() {
      await stop()
      await rm(dir, { recursive: true, force: true })
    },
    closeSync() {
      const process = child
      if (process && process.exitCode === null && process.signalCode === null) {
        try {
          // pg_ctl waits for the server (and its backends) to be gone; as the server's own user
          execFileSync(join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'fast', '-w', '-t', '10'], { ...as, cwd: dir, stdio: 'ignore' })
        } catch {
          process.kill('SIGKILL')
        }
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
