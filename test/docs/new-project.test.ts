/**
 * The README's "new project" box, as a newcomer follows it: `npm init -y`, the
 * box's `npm pkg set`, its packages (symlinked from this repository's
 * node_modules rather than downloaded, `seshjs` being this package and its
 * dist/), its `tsconfig.json`; then the README's Node snippet as `server.ts`,
 * checked by `tsc` (TypeScript 5.9 and 7), started with `npx tsx server.ts`,
 * and the README's curl lines run against it, each answering what its comment says.
 * The other README snippets (but the Workers one, which wants a Worker's types)
 * compile in the same project.
 */
import { execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../scripts/free-port.js'
import { CookieJar } from '../helpers.js'
import { snippetsOf } from './snippets.js'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../..', import.meta.url))

/** The README's blockquote that starts with `**A new project.**`, without its `> `. */
function newProjectBox(readme: string): string {
  const lines = readme.split('\n')
  const start = lines.findIndex((line) => line.startsWith('> **A new project.**'))
  if (start < 0) throw new Error('README.md has no "> **A new project.**" box')
  const end = lines.findIndex((line, i) => i > start && !line.startsWith('>'))
  return lines
    .slice(start, end < 0 ? undefined : end)
    .map((line) => line.replace(/^> ?/, ''))
    .join('\n')
}

/** The body of the first ```<lang> block of `markdown` after `from`. */
function block(markdown: string, lang: string, from = 0): string {
  const open = markdown.indexOf(`\`\`\`${lang}\n`, from)
  if (open < 0) throw new Error(`no \`\`\`${lang} block`)
  const start = open + lang.length + 4
  return markdown.slice(start, markdown.indexOf('\n```', start) + 1)
}

/** A shell line without its `# comment`, and the comment. */
function commented(line: string): [command: string, comment: string] {
  const at = line.indexOf(' #')
  return at < 0 ? [line.trim(), ''] : [line.slice(0, at).trim(), line.slice(at + 2).trim()]
}

/** The packages of the box's `npm install` lines. */
function installed(commands: string[]): string[] {
  return commands
    .filter((c) => c.startsWith('npm install '))
    .flatMap((c) =>
      c
        .split(/\s+/)
        .slice(2)
        .filter((word) => !word.startsWith('-')),
    )
}

let readme: string
let app: string
let work: string
let packages: string[]
let curlLines: string[]

beforeAll(async () => {
  readme = await readFile(join(root, 'README.md'), 'utf8')
  const box = newProjectBox(readme)
  const commands = block(box, 'sh')
    .split('\n')
    .map((line) => commented(line)[0])
    .filter(Boolean)
  packages = installed(commands)

  work = await mkdtemp(join(tmpdir(), 'sesh-new-project-'))
  app = join(work, 'my-app')
  await mkdir(app)
  const npm = (...args: string[]) =>
    run('npm', [...args, '--loglevel=error'], { cwd: app, env: { ...process.env, npm_config_update_notifier: 'false' } })
  await npm('init', '-y')
  for (const command of commands.filter((c) => c.startsWith('npm pkg '))) await npm(...command.split(/\s+/).slice(1))
  // `npm install`, without the registry: each package the box names, from this repository
  for (const name of packages) {
    const target = name === 'seshjs' ? root : join(root, 'node_modules', name)
    if (!existsSync(target)) throw new Error(`the box installs ${name}, which this repository does not have`)
    await mkdir(dirname(join(app, 'node_modules', name)), { recursive: true })
    await symlink(target, join(app, 'node_modules', name), 'dir')
  }
  await mkdir(join(app, 'node_modules/.bin'), { recursive: true })
  if (packages.includes('tsx')) await symlink('../tsx/dist/cli.mjs', join(app, 'node_modules/.bin/tsx'))
  await writeFile(join(app, 'tsconfig.json'), block(box, 'json'))

  const node = readme.indexOf('\n### Node\n')
  await writeFile(join(app, 'server.ts'), block(readme, 'ts', node))
  curlLines = block(readme, 'sh', node)
    .split('\n')
    .filter((line) => line.startsWith('curl '))
}, 60_000)

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true })
})

describe("the README's new project", () => {
  it('is an npm init -y project made ESM, with the packages the snippets need', async () => {
    const pkg = JSON.parse(await readFile(join(app, 'package.json'), 'utf8')) as { type?: string }
    expect(pkg.type).toBe('module')
    expect(packages).toEqual(expect.arrayContaining(['seshjs', 'hono', '@hono/node-server', 'typescript', 'tsx', '@types/node']))
    const tsconfig = JSON.parse(await readFile(join(app, 'tsconfig.json'), 'utf8')) as { compilerOptions: { types?: string[] } }
    expect(tsconfig.compilerOptions.types).toEqual(['node'])
  })

  for (const [name, tsc] of [
    ['TypeScript 5.9', 'node_modules/typescript/bin/tsc'], // the box's typescript
    ['TypeScript 7', join(root, 'node_modules/typescript7/bin/tsc')],
  ] as const) {
    it(`type-checks server.ts and the other README snippets with the box's tsconfig.json, ${name}`, async () => {
      const snippets = snippetsOf('README.md', readme).filter((s) => !s.code.includes("'seshjs/workers'"))
      expect(snippets.length).toBeGreaterThan(4)
      const dir = join(app, `snippets-${name.replace(/\W/g, '')}`)
      await mkdir(dir, { recursive: true })
      await Promise.all(snippets.map((s, i) => writeFile(join(dir, `readme-${s.line}-${i}.ts`), s.code)))
      const checked = await run(process.execPath, [tsc, '-p', '.', '--pretty', 'false'], { cwd: app }).then(
        () => '',
        (error: { stdout?: string; message: string }) => error.stdout || error.message,
      )
      await rm(dir, { recursive: true, force: true })
      expect(checked).toBe('')
    }, 120_000)
  }

  it('runs the Node snippet with npx tsx server.ts; the README curl lines count to 2 with a cookie jar', async () => {
    expect(curlLines).toHaveLength(3)
    const port = await freePort()
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('ARC_') && key !== 'NODE_ENV'))
    // its own process group: npx, tsx and the server stop together
    const server = spawn('npx', ['tsx', 'server.ts'], {
      cwd: app,
      env: { ...env, PORT: String(port), npm_config_offline: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    const exited = new Promise((resolve) => server.once('exit', resolve))
    let output = ''
    server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`server.ts did not start within 30 s:\n${output}`)), 30_000)
        server.stdout.on('data', () => {
          if (!output.includes(`listening on http://localhost:${port}`)) return
          clearTimeout(timer)
          resolve()
        })
        server.once('exit', (code) => reject(new Error(`server.ts exited (${code}):\n${output}`)))
      })
      const curl = await run('curl', ['--version']).then(
        () => true,
        () => false,
      )
      const jar = new CookieJar() // where curl is missing, the same requests with the same jar semantics
      for (const line of curlLines) {
        const [command, expected] = commented(line)
        const args = command
          .split(/\s+/)
          .slice(1)
          .map((arg) => arg.replace('localhost:3333', `localhost:${port}`))
        let answer: string
        if (curl) {
          answer = (await run('curl', ['-s', ...args], { cwd: app })).stdout
        } else {
          const method = args.includes('-X') ? args[args.indexOf('-X') + 1]! : 'GET'
          answer = await (await jar.fetch(`http://${args.at(-1)!}`, { method })).text()
        }
        expect(answer.trim(), line).toBe(/^count \d+/.exec(expected)?.[0])
      }
    } finally {
      try {
        process.kill(-server.pid!, 'SIGTERM')
      } catch {} // already gone
      await exited
    }
  }, 60_000)
})
