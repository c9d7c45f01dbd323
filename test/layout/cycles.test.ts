/**
 * The import graph has no circle: across src/, adapters/, architect/ and cli/,
 * no module reaches itself again through relative imports (values, types,
 * re-exports and dynamic `import()` alike). A circle means two modules that
 * cannot be read, or moved, one without the other. And nothing inside src/
 * imports the root entry (the top of the house) but another package entry.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const FOLDERS = ['src', 'adapters', 'architect', 'cli']
/** The package's entries under src/, as sources: package.json's exports, mapped from dist/ back to the .ts files. */
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, string | { default?: string }> }
const ENTRIES = new Set(
  Object.values(pkg.exports)
    .map((target) => (typeof target === 'string' ? target : (target.default ?? '')))
    .filter((target) => target.startsWith('./dist/src/'))
    .map((target) => join(root, target.slice('./dist/'.length).replace(/\.js$/, '.ts'))),
)

function files(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : files(path)
    return /\.(ts|mts|js|mjs)$/.test(entry.name) && !/\.(test|bench)\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : []
  })
}

/** Every module specifier of `source`: static imports and re-exports, `import type`, dynamic `import()`. */
function specifiers(source: string): string[] {
  const found: string[] = []
  for (const match of source.matchAll(/(?:^|\s)(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g)) found.push(match[1]!)
  for (const match of source.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(match[1]!)
  return found
}

/** The file a relative specifier names (`./x.js` → `x.ts`, `./dir` → `dir/index.ts`), or `undefined`. */
function resolveImport(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier)
  const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`, join(base, 'index.ts')]
  return candidates.find((candidate) => existsSync(candidate) && !candidate.endsWith('/') && /\.(ts|mts|js|mjs)$/.test(candidate))
}

/** The graph of relative imports between the given files. */
function graph(paths: string[]): Map<string, string[]> {
  const edges = new Map<string, string[]>()
  for (const file of paths) {
    const targets = specifiers(readFileSync(file, 'utf8'))
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => resolveImport(file, specifier))
      .filter((target): target is string => target !== undefined && target !== file) // a JSDoc type naming its own module
    edges.set(file, [...new Set(targets)])
  }
  return edges
}

/** Each circle of `edges` once, as the path of files that closes it. */
function cycles(edges: Map<string, string[]>): string[][] {
  const found: string[][] = []
  const done = new Set<string>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const visit = (node: string): void => {
    stack.push(node)
    onStack.add(node)
    for (const next of edges.get(node) ?? []) {
      if (onStack.has(next)) found.push([...stack.slice(stack.indexOf(next)), next])
      else if (!done.has(next)) visit(next)
    }
    stack.pop()
    onStack.delete(node)
    done.add(node)
  }
  for (const node of edges.keys()) if (!done.has(node)) visit(node)
  return found
}

it('no import circle in src/, adapters/, architect/ or cli/', () => {
  const edges = graph(FOLDERS.flatMap((folder) => files(join(root, folder))))
  expect(edges.size).toBeGreaterThan(50)
  const circles = cycles(edges).map((circle) => circle.map((file) => relative(root, file)).join(' → '))
  expect(circles).toEqual([])
})

it('nothing under src/ imports the root entry but another package entry', () => {
  const index = join(root, 'src/index.ts')
  expect(ENTRIES.has(index)).toBe(true)
  const edges = graph(files(join(root, 'src')))
  const upward = [...edges].filter(([file, targets]) => targets.includes(index) && !ENTRIES.has(file)).map(([file]) => relative(root, file))
  expect(upward).toEqual([])
})

it('the check sees a circle', () => {
  const edges = new Map([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a']],
    ['d', ['a']],
  ])
  expect(cycles(edges)).toEqual([['a', 'b', 'c', 'a']])
})
