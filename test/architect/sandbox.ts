/** Runs `npm run start:architect` (scripts/start-architect.ts) as a child process on a free port. */
import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** A running example. */
export interface RunningExample {
  url: string
  output(): string
  stop(): Promise<void>
}

/**
 * Starts the example under the sandbox with `env` added to a clean copy of
 * this process's environment (no ARC_* of its own), and waits until it listens.
 */
export async function startExample(env: Record<string, string>): Promise<RunningExample> {
  const port = Number(env.PORT ?? (await freePort()))
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ARC_') && k !== 'PORT'))
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/start-architect.ts'], {
    cwd: root,
    env: { ...base, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the example did not start:\n${output}`)), 50_000)
    const check = () => {
      if (output.includes('listening on')) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout!.on('data', check)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the example exited (${code}):\n${output}`))
    })
  })
  return {
    url: `http://localhost:${port}`,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    },
  }
}
