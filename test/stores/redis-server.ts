/**
 * A real `redis-server` (Debian's package) for the tests: started on a free
 * loopback port with its own temporary folder, stopped (and the folder
 * removed) by `close()`. `stop()`/`start()` take it down and bring it back on
 * the same port and data (use `persist` for "nothing lost across a restart");
 * `pause()`/`resume()` hang it (SIGSTOP/SIGCONT). `startCluster()` joins three
 * `--cluster-enabled` servers with `redis-cli --cluster create`.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freePort } from '../../scripts/free-port.js'
import { REDIS_SERVER_MISSING, redisReady } from '../../scripts/redis-server.js'

const run = promisify(execFile)

/** A running (or stopped) redis-server. */
export interface RedisServer {
  port: number
  /** `redis://127.0.0.1:<port>` */
  url: string
  /** The process id while it runs. */
  readonly pid: number | undefined
  /** Stops it (SIGTERM: with `persist`, everything acknowledged is on disk). */
  stop(): Promise<void>
  /** Starts it again on the same port and folder. */
  start(): Promise<void>
  /** Hangs it: the process stops answering, connections stay open (SIGSTOP). */
  pause(): void
  /** Lets a paused server go on (SIGCONT). */
  resume(): void
  /** Stops it for good and removes its folder. */
  close(): Promise<void>
}

/** What a test asks of its server. */
export interface RedisServerOptions {
  /** Append-only file, fsynced on every write: acknowledged writes survive a restart. */
  persist?: boolean
  /** Extra `redis-server` arguments. */
  args?: string[]
  /** A fixed port (default: a free one). */
  port?: number
}

/**
 * Starts a redis-server on 127.0.0.1.
 *
 * @param options persistence, extra arguments, a fixed port
 */
export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort())
  const dir = await mkdtemp(join(tmpdir(), 'sesh-redis-'))
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
    '--logfile',
    '',
    ...(options.persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
    ...(options.args ?? []),
  ]
  let child: ChildProcess | undefined
  let exited: Promise<void> = Promise.resolve()
  let output = ''

  async function start(): Promise<void> {
    const process = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    child = process
    process.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    process.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    exited = new Promise((resolve) => process.once('exit', () => resolve()))
    const failed = new Promise<never>((_, reject) => {
      process.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'ENOENT' ? new Error(`${REDIS_SERVER_MISSING} (the Redis tests start a real one; .ci/run installs it)`) : error,
        ),
      )
      process.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)))
    })
    failed.catch(() => {})
    try {
      await Promise.race([redisReady(port), failed])
    } catch (error) {
      process.kill('SIGKILL') // never leave a server behind that did not come up
      throw error
    }
  }

  async function stop(): Promise<void> {
    const process = child
    if (!process || process.exitCode !== null || process.signalCode !== null) return
    process.kill('SIGCONT') // a paused server cannot act on SIGTERM
    process.kill('SIGTERM')
    const killer = setTimeout(() => process.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(killer)
    child = undefined
  }

  await start()
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child?.pid
    },
    stop,
    start,
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    async close() {
      await stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Three primaries joined into one cluster. */
export interface RedisCluster {
  servers: RedisServer[]
  /** `[{ host: '127.0.0.1', port }]` for each node. */
  nodes: { host: string; port: number }[]
  close(): Promise<void>
}

/** Starts three `--cluster-enabled` servers and joins them (no replicas), waiting until the cluster is ok. */
export async function startCluster(): Promise<RedisCluster> {
  const servers: RedisServer[] = []
  try {
    for (let i = 0; i < 3; i++) {
      const bus = await freePort()
      servers.push(
        await startRedis({
          args: [
            '--cluster-enabled',
            'yes',
            '--cluster-port',
            String(bus),
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-node-timeout',
            '5000',
          ],
        }),
      )
    }
    const addresses = servers.map((server) => `127.0.0.1:${server.port}`)
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 })
    const deadline = Date.now() + 15_000
    for (const server of servers) {
      for (;;) {
        const { stdout } = await run('redis-cli', ['-p', String(server.port), 'cluster', 'info'])
        if (/cluster_state:ok/.test(stdout)) break
        if (Date.now() > deadline) throw new Error(`the cluster did not become ok:\n${stdout}`)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
  } catch (error) {
    for (const server of servers) await server.close()
    throw error
  }
  return {
    servers,
    nodes: servers.map((server) => ({ host: '127.0.0.1', port: server.port })),
    async close() {
      for (const server of servers) await server.close()
    },
  }
}
