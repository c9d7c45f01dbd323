/**
 * The edges are clients of the public API: a file under adapters/, architect/
 * or cli/ imports from src/ nothing but a package entry — src/index.ts or the
 * index.ts of a subpath folder (seshjs/dynamodb → src/stores/dynamodb/index.ts,
 * seshjs/store → src/stores/index.ts …), values and types alike.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const EDGES = ['adapters', 'architect', 'cli']
/** The package's entries under src/, as sources: package.json's exports, mapped from dist/ back to the .ts files. */
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, string | { default?: string }> }
const ENTRIES = new Set(
  Object.values(pkg.exports)
    .map((target) => (typeof target === 'string' ? target : (target.default ?? '')))
    .filter((target) => target.startsWith('./dist/src/'))
    .map((target) => target.slice('./dist/'.length).replace(/\.js$/, '.ts')),
)

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : files(path)
    return /\.(ts|js|mjs)$/.test(entry.name) ? [path] : []
  })
}

/** Every module specifier of `source`: static imports and re-exports, `import type`, dynamic `import()`. */
function specifiers(source: string): string[] {
  const found: string[] = []
  for (const match of source.matchAll(/(?:^|\s)(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g)) found.push(match[1]!)
  for (const match of source.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(match[1]!)
  return found
}

it('no file under adapters/, architect/ or cli/ reaches into src/ past a package entry', () => {
  expect(ENTRIES.has('src/index.ts')).toBe(true)
  const offences: string[] = []
  for (const file of EDGES.flatMap((edge) => files(join(root, edge)))) {
    const from = relative(root, file)
    for (const specifier of specifiers(readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.')) continue
      const target = relative(root, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts')
      if (!target.startsWith('src/')) continue
      if (ENTRIES.has(target)) continue
      offences.push(`${from} → ${specifier}`)
    }
  }
  expect(offences).toEqual([])
})

it('the check sees what it looks for', () => {
  expect(specifiers("import type { A } from '../../src/session.js'\nexport { b } from '../src/x.js'\nawait import('../src/y.js')")).toEqual(
    ['../../src/session.js', '../src/x.js', '../src/y.js'],
  )
})
