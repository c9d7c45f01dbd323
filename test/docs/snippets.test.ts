/**
 * Every TypeScript block in README.md and docs/*.md compiles, as a user's file
 * would: `strict` and `exactOptionalPropertyTypes` (what `tsc --init` sets),
 * against the built package (`seshjs` resolves to dist/ through the package's
 * own `exports`), with TypeScript 5.9 and TypeScript 7.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { allSnippets, type Snippet } from './snippets.js'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../..', import.meta.url))
const dir = join(root, '.snippets') // inside the package, so `seshjs` resolves to itself

/** A Workers project's globals, as `wrangler types` declares the ones the docs use. */
const workerGlobals = `interface KVNamespace<Key extends string = string> {
  get(key: Key, type: 'text'): Promise<string | null>
  put(key: Key, value: string, options?: { expiration?: number; expirationTtl?: number }): Promise<void>
  delete(key: Key): Promise<void>
}
declare module 'cloudflare:workers' {
  export abstract class DurableObject<Env = unknown> {
    protected ctx: unknown
    protected env: Env
    constructor(ctx: unknown, env: Env)
  }
}
`

const compilers = {
  'TypeScript 5.9': join(root, 'node_modules/typescript/bin/tsc'),
  'TypeScript 7': join(root, 'node_modules/typescript7/bin/tsc'),
}

const snippets = allSnippets(root)
const fileOf = (snippet: Snippet, index: number) => `${snippet.doc.replace(/[/.]/g, '_')}_${snippet.line}_${index}.ts`

beforeAll(() => {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  snippets.forEach((snippet, i) => writeFileSync(join(dir, fileOf(snippet, i)), snippet.code))
  writeFileSync(join(dir, 'worker-globals.d.ts'), workerGlobals)
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        // what `tsc --init` writes, plus Node's types and the DOM's fetch types
        module: 'nodenext',
        target: 'esnext',
        lib: ['esnext', 'dom', 'dom.iterable'],
        types: ['node'],
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        verbatimModuleSyntax: true,
        isolatedModules: true,
        moduleDetection: 'force',
        skipLibCheck: true,
        noEmit: true,
      },
      include: ['*.ts'],
    }),
  )
})

/** Compiler output with each snippet file turned back into `doc:line`. */
function located(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const match = /^(?:\.snippets\/)?(\S+?\.ts)[(:](\d+)[,:](\d+)\)?:?\s*(.*)$/.exec(line.trim())
      if (!match) return line
      const index = snippets.findIndex((s, i) => fileOf(s, i) === match[1])
      const snippet = snippets[index]
      if (!snippet) return line
      return `${snippet.doc}:${snippet.line + Number(match[2]) - 1 - snippet.preludeLines}:${match[3]} ${match[4]}`
    })
}

describe('documentation snippets', () => {
  it('finds the TypeScript blocks', () => {
    expect(snippets.length).toBeGreaterThan(15)
    expect(snippets.filter((s) => s.doc === 'README.md').length).toBeGreaterThan(5)
  })

  for (const [name, tsc] of Object.entries(compilers)) {
    it(`compile with ${name} (strict, exactOptionalPropertyTypes)`, async () => {
      const result = await run(process.execPath, [tsc, '-p', dir, '--pretty', 'false'], { cwd: root }).then(
        ({ stdout }) => stdout,
        (error: { stdout?: string; message: string }) => error.stdout || error.message,
      )
      expect(located(result)).toEqual([])
    }, 120_000)
  }
})
