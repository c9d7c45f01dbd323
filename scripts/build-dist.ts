/**
 * Builds `dist/` when any source file is newer than the last build. The package
 * tests (vitest's global setup, test/setup/build-dist.ts) and the peer benchmark
 * import and pack `dist/`, which `npm install` does not build (no `prepare`
 * script), so neither runs against missing or stale output.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const stamp = join(root, 'dist', 'src', 'index.js') // touched after each build

function newest(path: string): number {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let latest = stat.mtimeMs
  for (const entry of readdirSync(path)) {
    if (entry === 'fixtures' || entry === 'node_modules') continue
    latest = Math.max(latest, newest(join(path, entry)))
  }
  return latest
}

export function buildDist(): void {
  const sources = ['src', 'adapters', 'architect', 'cli', 'tsconfig.json', 'tsconfig.build.json', 'package.json']
  const changed = Math.max(...sources.map((source) => newest(join(root, source))))
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= changed) return
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  })
  const now = new Date()
  utimesSync(stamp, now, now)
}
