/**
 * The package as a user gets it: `npm pack` in a copy of the tracked files
 * alone, as a fresh clone has them (no dist/: `prepack` builds it; the
 * repository's node_modules linked in), then, in fresh apps outside the
 * repository that already have hono installed — the lowest supported 4.x
 * (4.6.20) and the newest — `npm install <tarball>`. Each app must end up with
 * one copy of hono, compile every README snippet (strict +
 * exactOptionalPropertyTypes), and run a session round trip through every
 * entry point without the AWS SDK or a Redis client installed, and run the
 * `seshjs` bin. `attw --profile esm-only` checks the same tarball.
 *
 * Installing needs the npm registry. The apps with hono alone are kept for a
 * day in the system's temporary folder (seshjs-install-cache), so a re-run only
 * installs the tarball; SESHJS_INSTALL_FRESH=1 starts from nothing.
 */
import { execFile } from 'node:child_process'
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { snippetsOf } from '../docs/snippets.js'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../..', import.meta.url))
const npm = (cwd: string, ...args: string[]) =>
  run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
    cwd,
    env: { ...process.env, npm_config_update_notifier: 'false' },
    maxBuffer: 16 * 1024 * 1024,
  })

const HONO = { lowest: '4.6.20', newest: '^4' }
/** The compiler for each app: the older pair, and the newest pair (TypeScript 5.9 also checks every snippet in test/docs). */
const TSC = {
  lowest: join(root, 'node_modules/typescript/bin/tsc'),
  newest: join(root, 'node_modules/typescript7/bin/tsc'),
}
let work: string
let tarball: string
let attw: Promise<{ ok: boolean; stdout: string }>
const apps: Record<keyof typeof HONO, string> = { lowest: '', newest: '' }

const cache = join(tmpdir(), 'seshjs-install-cache')
const DAY = 24 * 60 * 60 * 1000

/** An app with only hono (and @hono/node-server) installed: from the cache when it is fresh. */
async function honoApp(name: string, hono: string): Promise<string> {
  const dir = join(cache, `${name}-${hono.replace(/\W/g, '_')}`)
  const ready = join(dir, '.ready')
  const age = await stat(ready).then(
    (s) => Date.now() - s.mtimeMs,
    () => Infinity,
  )
  if (age < DAY && !process.env.SESHJS_INSTALL_FRESH) return dir
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: `app-${name}`, private: true, type: 'module' }))
  await npm(dir, 'install', '--save-exact', `hono@${hono}`, '@hono/node-server@^1')
  await writeFile(ready, '')
  return dir
}

/** The tracked files as a fresh clone has them (no dist/ or other build output), with the repository's node_modules linked in. */
async function cleanClone(dir: string): Promise<void> {
  const { stdout } = await run('git', ['ls-files', '-z'], { cwd: root, maxBuffer: 16 * 1024 * 1024 })
  for (const file of stdout.split('\0').filter(Boolean)) {
    await mkdir(dirname(join(dir, file)), { recursive: true })
    await cp(join(root, file), join(dir, file)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error // a tracked file deleted in the work tree is not in the clone either
    })
  }
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'))
}

/** Whether `dist/` existed in the clean clone before `npm pack` ran (it must not, for the test to mean anything). */
let distBeforePack = true

async function makeApp(name: string, hono: string): Promise<string> {
  const dir = join(work, `app-${name}`)
  await cp(await honoApp(name, hono), dir, { recursive: true, verbatimSymlinks: true })
  await npm(dir, 'install', tarball) // into an app whose hono came first
  return dir
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'seshjs-install-'))
  const clone = join(work, 'clone')
  await cleanClone(clone)
  distBeforePack = await stat(join(clone, 'dist')).then(
    () => true,
    () => false,
  )
  // prepack builds dist/ (its output and tsc's come first on stdout; the tarball's name is the last line)
  const { stdout } = await run('npm', ['pack', '--pack-destination', work, '--loglevel=error'], { cwd: clone, maxBuffer: 16 * 1024 * 1024 })
  tarball = join(work, stdout.trim().split('\n').pop()!)
  attw = run(process.execPath, [
    join(root, 'node_modules/@arethetypeswrong/cli/dist/index.js'),
    '--profile',
    'esm-only',
    '--format',
    'ascii',
    tarball,
  ]).then(
    ({ stdout }) => ({ ok: true, stdout }),
    (error: { stdout?: string }) => ({ ok: false, stdout: error.stdout ?? '' }),
  ) // meanwhile
  const [lowest, newest] = await Promise.all([makeApp('lowest', HONO.lowest), makeApp('newest', HONO.newest)])
  apps.lowest = lowest
  apps.newest = newest
}, 240_000)

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true })
})

/** Every installed copy of a package: node_modules/<name>, at any depth. */
async function packagesNamed(modules: string, name: string): Promise<string[]> {
  const found: string[] = []
  const entries = await readdir(modules, { withFileTypes: true }).catch(() => [])
  for (const entry of entries) {
    if (!entry.isDirectory()) continue
    const path = join(modules, entry.name)
    if (entry.name === name) found.push(path)
    const scoped = entry.name.startsWith('@') ? await readdir(path, { withFileTypes: true }) : [entry]
    for (const pkg of scoped) {
      const dir = entry.name.startsWith('@') ? join(path, pkg.name) : path
      found.push(...(await packagesNamed(join(dir, 'node_modules'), name)))
    }
  }
  return found
}

const readme = () => readFile(join(root, 'README.md'), 'utf8').then((text) => snippetsOf('README.md', text))

/** Every README snippet as a module of the app, type-checked by the repository's TypeScript. */
async function compileReadme(app: string, tsc: string): Promise<string[]> {
  const snippets = await readme()
  await mkdir(join(app, 'snippets'), { recursive: true })
  await Promise.all(snippets.map((s, i) => writeFile(join(app, 'snippets', `readme-${s.line}-${i}.ts`), s.code)))
  await writeFile(
    join(app, 'snippets', 'worker-globals.d.ts'),
    'interface KVNamespace { get(key: string, type: "text"): Promise<string | null>; put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>; delete(key: string): Promise<void> }\n',
  )
  await writeFile(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        target: 'esnext',
        lib: ['esnext', 'dom', 'dom.iterable'],
        typeRoots: [join(root, 'node_modules/@types')],
        types: ['node'],
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        verbatimModuleSyntax: true,
        moduleDetection: 'force',
        skipLibCheck: true,
        noEmit: true,
      },
      include: ['snippets'],
    }),
  )
  return run(process.execPath, [tsc, '-p', app, '--pretty', 'false'], { cwd: app }).then(
    () => [],
    (error: { stdout?: string; message: string }) => (error.stdout || error.message).split('\n').filter(Boolean),
  )
}

/** Imports every entry point and runs a Hono session round trip, in the app. */
const smoke = `
import { Hono } from 'hono'
import { sessions } from 'seshjs'
import { serve } from 'seshjs/node'
import { toLambda } from 'seshjs/lambda'
import { workerOptions } from 'seshjs/workers'
import { kvStore } from 'seshjs/kv'
import { dynamoSessionStore, dynamoStore } from 'seshjs/dynamodb'
import { redisStore } from 'seshjs/redis'
import { http } from 'seshjs/architect'
for (const f of [serve, toLambda, workerOptions, kvStore, dynamoSessionStore, redisStore, http]) if (typeof f !== 'function') throw new Error('missing export')

const app = new Hono()
app.use(sessions({ secret: 'x'.repeat(32), onWarning() {} }))
app.post('/count', async (c) => {
  const session = c.get('session')
  session.set('count', ((await session.get('count')) ?? 0) + 1)
  return c.text(String(await session.get('count')))
})
let response = await app.request('/count', { method: 'POST' })
const cookie = response.headers.get('set-cookie').split(';')[0]
response = await app.request('/count', { method: 'POST', headers: { cookie } })
const counted = await response.text()

// without the AWS SDK, dynamoStore() fails at its first request (a 500), saying what to install
const dynamo = new Hono()
let message = ''
dynamo.use(sessions({ secret: 'x'.repeat(32), store: dynamoStore({ table: 'sessions' }), onStoreError(error) {
  message = error.message
  return error.getResponse()
} }))
dynamo.post('/', (c) => { c.get('session').set('n', 1); return c.text('ok') })
const written = await dynamo.request('/', { method: 'POST' })
console.log(JSON.stringify({ counted, dynamoStatus: written.status, installHint: message.includes('npm install @aws-sdk/client-dynamodb') }))
`

describe.concurrent.each(Object.keys(HONO) as (keyof typeof HONO)[])('a fresh app with hono %s installed first', (which) => {
  it('has one copy of hono, the one it installed', async () => {
    expect(await packagesNamed(join(apps[which], 'node_modules'), 'hono')).toEqual([join(apps[which], 'node_modules/hono')])
    const { version } = JSON.parse(await readFile(join(apps[which], 'node_modules/hono/package.json'), 'utf8')) as { version: string }
    if (which === 'lowest') expect(version).toBe(HONO.lowest)
    else expect(Number(version.split('.')[1])).toBeGreaterThanOrEqual(13)
  })

  it('installs no AWS SDK', async () => {
    expect(
      await stat(join(apps[which], 'node_modules/@aws-sdk')).then(
        () => true,
        () => false,
      ),
    ).toBe(false)
  })

  it(`compiles every README snippet with ${which === 'lowest' ? 'TypeScript 5.9' : 'TypeScript 7'} (strict, exactOptionalPropertyTypes)`, async () => {
    expect(await compileReadme(apps[which], TSC[which])).toEqual([])
  }, 120_000)

  it('runs the seshjs bin, and seals with the node:crypto provider (the #crypto-provider import)', async () => {
    const { stdout } = await run(join(apps[which], 'node_modules/.bin/seshjs'), ['--help'], { cwd: apps[which] })
    expect(stdout).toMatch(/^Usage: seshjs <command>/)
    const secret = await run(join(apps[which], 'node_modules/.bin/seshjs'), ['secret', '--json'], { cwd: apps[which] })
    expect(atob((JSON.parse(secret.stdout) as { secret: string }).secret)).toHaveLength(32)
    // the package's own file, so its imports map answers: `node` on Node, as in the repository
    const crypto = join(apps[which], 'node_modules/seshjs/dist/src/crypto/keyring.js')
    const probe = `const { cryptoProviderName } = await import(${JSON.stringify(crypto)}); console.log(await cryptoProviderName())`
    const provider = await run(process.execPath, ['--input-type=module', '-e', probe], { cwd: apps[which] })
    expect(provider.stdout.trim()).toBe('node')
  })

  it('compiles an app of seshjs/dynamodb that sends its own requests, without the AWS SDK, under skipLibCheck: false', async () => {
    const dir = join(apps[which], 'sdk-free')
    await mkdir(dir, { recursive: true })
    await writeFile(
      join(dir, 'app.ts'),
      "import { dynamoSessionStore, type DynamoCall } from 'seshjs/dynamodb'\n" +
        'const call: DynamoCall = async (operation, input, options) => ({ operation, input, aborted: options?.abortSignal?.aborted })\n' +
        "export const store = dynamoSessionStore({ table: 'sessions', call })\n",
    )
    const compilerOptions = {
      module: 'nodenext',
      target: 'esnext',
      lib: ['esnext', 'dom'],
      types: [],
      strict: true,
      skipLibCheck: false,
      noEmit: true,
    }
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['app.ts'] }))
    const errors = await run(process.execPath, [TSC[which], '-p', dir, '--pretty', 'false'], { cwd: dir }).then(
      () => [],
      (error: { stdout?: string; message: string }) => (error.stdout || error.message).split('\n').filter(Boolean),
    )
    expect(errors).toEqual([])
  }, 120_000)

  it('imports every entry point and keeps a session across requests', async () => {
    await writeFile(join(apps[which], 'smoke.mjs'), smoke)
    const { stdout } = await run(process.execPath, ['smoke.mjs'], { cwd: apps[which] })
    expect(JSON.parse(stdout)).toEqual({ counted: '2', dynamoStatus: 500, installHint: true })
  })
})

describe('the tarball', () => {
  it('is packed from the tracked files alone, dist/ built by prepack', () => {
    expect(distBeforePack).toBe(false)
  })

  it('passes attw --profile esm-only', async () => {
    const result = await attw
    expect(result.ok, result.stdout).toBe(true)
  }, 60_000)

  it('runs nothing on install', async () => {
    const { stdout } = await run('tar', ['-xzOf', tarball, 'package/package.json'])
    const { scripts = {} } = JSON.parse(stdout) as { scripts?: Record<string, string> }
    expect(Object.keys(scripts).filter((name) => /^(pre|post)?(install|prepare)$/.test(name))).toEqual([])
  })

  it('holds the license, changelog, docs and built files, and no tests', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball])
    const files = stdout.split('\n').filter(Boolean)
    const built = [
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/adapters/node.js',
      'dist/cli/main.js',
      'src/crypto/platform/node.js',
      'src/crypto/platform/none.js',
    ]
    for (const file of [
      'package/LICENSE',
      'package/README.md',
      'package/CHANGELOG.md',
      'package/docs/stores.md',
      ...built.map((f) => `package/${f}`),
    ]) {
      expect(files).toContain(file)
    }
    expect(files.filter((f) => f.endsWith('.test.ts') || f.endsWith('.test.js'))).toEqual([])
  })
})
