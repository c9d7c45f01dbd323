/**
 * Part of `npm run bench`: cold start and size. The import time of the main
 * entry on Node (the built package, fresh processes, median), and the counter
 * bundled as the Worker and the Lambda function are (esbuild, minified), raw and gzipped.
 */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { buildDist } from '../scripts/build-dist.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15)

buildDist() // the built package is what is imported and bundled

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!

/** Milliseconds to import `specifier` in a fresh Node process (median of RUNS). */
function importTime(specifier: string, then = ''): number {
  const script = `const t = performance.now(); const m = await import(${JSON.stringify(specifier)}); ${then}; console.log(performance.now() - t)`
  const times = Array.from({ length: RUNS }, () =>
    Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' })),
  )
  return median(times)
}

/** Whether importing and using the main entry on Node loads jose at all (a resolve hook watches). */
function loadsJose(): boolean {
  const hook = `export async function resolve(s, c, next) { const r = await next(s, c); if (r.url.includes('/node_modules/jose/')) process.stdout.write('jose\\n'); return r }`
  const script = `
    const { createSessions } = await import('seshjs')
    const engine = createSessions({ secret: 'abcdefghijklmnopqrstuvwxyz0123456789' })
    const session = await engine.load(new Request('http://localhost/'))
    session.set('n', 1)
    const cookie = (await engine.commit(session, new Response())).headers.get('set-cookie').split(';')[0]
    await (await engine.load(new Request('http://localhost/', { headers: { cookie } }))).get('n')
    console.log('done')`
  const output = execFileSync(
    process.execPath,
    ['--no-warnings', '--loader', `data:text/javascript,${encodeURIComponent(hook)}`, '--input-type=module', '-e', script],
    { cwd: root, encoding: 'utf8' },
  )
  if (!output.includes('done')) throw new Error('the jose probe did not run')
  return output.includes('jose')
}

async function bundle(entry: string, platform: 'node' | 'neutral'): Promise<{ raw: number; gzip: number }> {
  const result = await build({
    entryPoints: [`${root}${entry}`],
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform,
    target: platform === 'node' ? 'node20' : 'es2022',
    ...(platform === 'neutral' ? { mainFields: ['module', 'main'], conditions: ['workerd', 'worker', 'browser'] } : {}),
    tsconfig: `${root}tsconfig.json`,
    external: ['@aws-sdk/*'],
    logLevel: 'error',
  })
  const code = result.outputFiles[0]!.contents
  return { raw: code.length, gzip: gzipSync(code, { level: 9 }).length }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`
const rows = [
  ['import `seshjs` (Node, built package)', `${importTime('seshjs').toFixed(1)} ms`],
  ['import `hono` alone, for scale', `${importTime('hono').toFixed(1)} ms`],
  ['import `jose` alone (not loaded on the Node path)', `${importTime('jose').toFixed(1)} ms`],
]
const worker = await bundle('examples/counter/worker.ts', 'neutral')
const lambda = await bundle('examples/counter/lambda.ts', 'node')
console.log(`\nCold start and size (median of ${RUNS} fresh processes; esbuild --minify, gzip -9)\n`)
console.log('| | |\n|---|---:|')
for (const [what, value] of rows) console.log(`| ${what} | ${value} |`)
console.log(`| the counter for Workers (WebCrypto + jose) | ${kb(worker.raw)}, ${kb(worker.gzip)} gzipped |`)
console.log(
  `| the counter for Lambda (node:crypto; jose bundled for crypto: 'webcrypto') | ${kb(lambda.raw)}, ${kb(lambda.gzip)} gzipped |`,
)
console.log(`\njose loaded on Node's default path: ${loadsJose()}`)
