/**
 * The counter on Bun and on Deno, started exactly as `npm run start:bun` and
 * `npm run start:deno` start it: the script's command line from package.json,
 * run by `sh` (the script `exec`s the runtime, so the runtime is the child),
 * with `PORT` on a free loopback port. Deno gets its own `DENO_DIR` in a
 * temporary directory and reads npm packages from node_modules only.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { compactDecrypt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSessions } from '../../src/index.js'
import { jweKeyBytes } from '../../src/crypto/keyring.js'
import { freePort } from '../../scripts/free-port.js'
import { CookieJar, SECRET } from '../helpers.js'
import { type RedisServer, startRedis } from '../stores/redis-server.js'
import { count, counterSuite, show } from './counter-suite.js'
import type { Runtime } from './runtimes.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** Bun or Deno. */
export type RuntimeName = 'bun' | 'deno'

const ENTRY: Record<RuntimeName, string> = { bun: 'examples/counter/bun.ts', deno: 'examples/counter/deno.ts' }

/** The `start:bun` or `start:deno` script, as package.json has it. */
export function startCommand(runtime: RuntimeName): string {
  const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
  const command = scripts[`start:${runtime}`]
  if (!command?.includes(ENTRY[runtime])) throw new Error(`package.json's start:${runtime} does not run ${ENTRY[runtime]}`)
  return command
}

/** A `DENO_DIR` for one test file (Deno's caches), and its removal. */
export function denoDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'sesh-deno-'))
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}

/** Environment for the child: no inherited `ARC_*` or `REDIS_URL` (they pick the store), plus `env`. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('ARC_') && name !== 'REDIS_URL'))
  return { ...base, NODE_ENV: 'development', DENO_NO_UPDATE_CHECK: '1', ...env }
}

/**
 * Starts the counter with the runtime's npm script and waits (bounded) for the
 * line announcing its URL.
 *
 * @param runtime bun or deno
 * @param env `ARC_*`, `REDIS_URL`, `DENO_DIR`
 */
export async function startCounter(runtime: RuntimeName, env: Record<string, string>, timeoutMs = 30_000): Promise<Runtime> {
  const port = await freePort()
  const child: ChildProcess = spawn('sh', ['-c', startCommand(runtime)], {
    cwd: root,
    env: childEnv({ PORT: String(port), HOST: '127.0.0.1', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${runtime} did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs)
    function fail(error: Error) {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(error)
    }
    const onExit = (code: number | null) => fail(new Error(`${runtime} exited (${code}) before it was ready:\n${output}`))
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (!match) return
      clearTimeout(timer)
      child.off('exit', onExit)
      child.stdout!.off('data', onData)
      resolve({
        name: runtime,
        url: match[1]!.replace('localhost', '127.0.0.1'),
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return
          child.kill('SIGTERM')
          const killer = setTimeout(() => child.kill('SIGKILL'), 5_000)
          await exited
          clearTimeout(killer)
        },
      })
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.once('exit', onExit)
  })
}

/** Runs the npm script to its end (bounded): its exit code and output. */
function runToExit(runtime: RuntimeName, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', startCommand(runtime)], { cwd: root, env: childEnv(env), timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, output: `${stdout}${stderr}` })
    })
  })
}

/**
 * The crypto provider sesh picks on the runtime: `test/e2e/fixtures/crypto-probe.ts`
 * run with the npm script's command line in place of the counter's entry.
 *
 * @param runtime bun or deno
 * @param env `DENO_DIR`
 */
export function cryptoProvider(runtime: RuntimeName, env: Record<string, string> = {}): Promise<string> {
  const command = startCommand(runtime).replace(ENTRY[runtime], 'test/e2e/fixtures/crypto-probe.ts')
  return new Promise((resolve, reject) => {
    execFile('sh', ['-c', command], { cwd: root, env: childEnv(env), timeout: 30_000 }, (error, stdout, stderr) => {
      const match = /crypto provider: (\S+)/.exec(stdout)
      if (error || !match) reject(new Error(`the probe failed on ${runtime}: ${error?.message ?? ''}\n${stdout}${stderr}`))
      else resolve(match[1]!)
    })
  })
}

const LABEL: Record<RuntimeName, string> = {
  bun: 'Bun (examples/counter/bun.ts, Bun.serve)',
  deno: 'Deno (examples/counter/deno.ts, Deno.serve)',
}

/**
 * Everything a runtime's test file checks: the counter suite on the cookie
 * store and on Redis, the crypto provider (WebCrypto + jose), and one cookie
 * read both ways between the runtime and Node.
 *
 * @param runtime bun or deno
 */
export function runtimeSuites(runtime: RuntimeName): void {
  const deno = runtime === 'deno' ? denoDir() : undefined
  const base: Record<string, string> = { ARC_APP_SECRET: SECRET, ...(deno ? { DENO_DIR: deno.path } : {}) }
  let redis: RedisServer | undefined
  afterAll(async () => {
    await redis?.close()
    deno?.remove()
  })

  counterSuite(`${LABEL[runtime]}, cookie store`, () => startCounter(runtime, base), 'cookie-store')
  counterSuite(
    `${LABEL[runtime]}, Redis store`,
    async () => {
      redis = await startRedis()
      return startCounter(runtime, { ...base, REDIS_URL: redis.url })
    },
    'counts',
  )

  describe(`sesh on ${runtime === 'bun' ? 'Bun' : 'Deno'}`, () => {
    let counter: Runtime
    beforeAll(async () => {
      counter = await startCounter(runtime, base)
    })
    afterAll(async () => {
      await counter?.stop()
    })

    it('uses WebCrypto + jose, not node:crypto (the package condition ahead of node)', async () => {
      expect(await cryptoProvider(runtime, base)).toBe('webcrypto')
    })

    it('reads a cookie sealed on Node, and Node opens the cookie it seals', async () => {
      const node = createSessions<{ count: number }>({ secret: SECRET })
      const session = await node.load(new Request('http://localhost/'))
      session.set('count', 41)
      const jar = new CookieJar()
      jar.take(await node.commit(session, new Response()))
      expect(await show(jar, counter.url)).toBe(41)
      expect(await count(jar, counter.url)).toBe(42)
      const { plaintext } = await compactDecrypt(jar.cookies.get('_idx')!, jweKeyBytes(SECRET, 'A256GCM'))
      expect(JSON.parse(new TextDecoder().decode(plaintext))).toMatchObject({ count: 42 })
    })

    it(`on a busy port, exits 1 naming npm run start:${runtime} and the PORT to set`, async () => {
      const busy = createServer()
      await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
      const { port } = busy.address() as AddressInfo
      try {
        const { code, output } = await runToExit(runtime, { ...base, PORT: String(port), HOST: '127.0.0.1' })
        expect(code).toBe(1)
        expect(output).toContain(`port ${port} is in use, set PORT (for example PORT=${port + 1} npm run start:${runtime})`)
      } finally {
        await new Promise((resolve) => busy.close(resolve))
      }
    })
  })
}
