// The test app of seshjs/next (and `npm run start:next`). `seshjs/next` is the
// source (adapters/next/index.ts) through tsconfig.json's paths; the repository
// is the root Turbopack may read from.
import { realpathSync } from 'node:fs'
import { dirname, join, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const repository = fileURLToPath(new URL('../../..', import.meta.url)).replace(/[\\/]$/, '')
/** The repository, or the folder holding both it and its node_modules when that is a link (a git worktree's). */
function commonRoot(a, b) {
  let root = a
  while (b !== root && !b.startsWith(root + sep) && dirname(root) !== root) root = dirname(root)
  return root
}
const root = commonRoot(repository, realpathSync(join(repository, 'node_modules')))

/** @type {import('next').NextConfig} */
export default {
  turbopack: { root },
  outputFileTracingRoot: root,
  // the page and its build are this folder's: no telemetry, no lint step, nothing fetched
  // sesh's sources import each other as `.js` (TypeScript's NodeNext style): webpack maps those to `.ts`
  experimental: { extensionAlias: { '.js': ['.ts', '.tsx', '.js'] } },
  typescript: { ignoreBuildErrors: true }, // `npm run typecheck` checks this app (test/next/app/tsconfig.json)
}
