/**
 * Adapters are clients of the public API: a file under adapters/ imports from
 * src/ nothing but the package's entries, src/index.ts and the subpath entries
 * that live under src/ (`seshjs/postgres`: src/stores/postgres/index.ts).
 * The store and admin subpaths re-export from that entry too, and the crypto
 * provider files behind `#crypto-provider` take their types from it.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const adapters = dirname(fileURLToPath(import.meta.url))
const root = resolve(adapters, '..')
/** The package's public entries under src/ (`seshjs`, and subpaths whose entry lives in src/, like `seshjs/postgres`), as sources. */
const entries = new Set(
  Object.values(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).exports as Record<string, string | { default: string }>)
    .map((entry) => (typeof entry === 'string' ? entry : entry.default))
    .filter((path) => path.startsWith('./dist/src/'))
    .map((path) => path.slice('./dist/'.length).replace(/\.js$/, '.ts')),
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

it('no file under adapters/ reaches into src/ past its public entries', () => {
  expect(entries.has('src/index.ts')).toBe(true)
  const offences: string[] = []
  for (const file of files(adapters)) {
    if (file === fileURLToPath(import.meta.url)) continue // its own examples below
    const from = relative(root, file)
    for (const specifier of specifiers(readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.')) continue
      const target = relative(root, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts')
      if (!target.startsWith('src/')) continue
      if (target === 'src/index.ts' || entries.has(target)) continue
      offences.push(`${from} → ${specifier}`)
    }
  }
  expect(offences).toEqual([])
})

it('the check sees what it looks for', () => {
  expect(specifiers("import type { A } from '../../src/session.js'\nexport { b } from '../src/x.js'\nawait import('../src/y.js')")).toEqual([
    '../../src/session.js',
    '../src/x.js',
    '../src/y.js',
  ])
})
