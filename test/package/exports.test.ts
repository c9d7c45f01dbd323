/**
 * Packaging: with dist/ built (vitest's global setup rebuilds it when a source
 * is newer; `npm run build` by hand), plain Node imports
 * the package's entry points, and the core pulls in no Node built-in and no AWS SDK.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { publint } from 'publint'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { exports: Record<string, { types: string; default: string } | string> }

describe('the package', () => {
  it('lists types first in every exports entry', () => {
    for (const [subpath, entry] of Object.entries(pkg.exports)) {
      if (typeof entry === 'string') continue
      expect(Object.keys(entry)[0], subpath).toBe('types')
    }
  })

  it('imports every entry point with plain Node', () => {
    const subpaths = Object.keys(pkg.exports).filter((s) => s !== './package.json')
    const script = subpaths.map((s) => `await import(${JSON.stringify(s === '.' ? 'seshjs' : `seshjs/${s.slice(2)}`)})`).join(';')
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', `${script}; console.log('ok')`], { cwd: root, encoding: 'utf8' })
    expect(output.trim()).toBe('ok')
  })

  it('keeps the core free of Node built-ins and the AWS SDK', async () => {
    const result = await build({
      entryPoints: [`${root}dist/src/index.js`],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'neutral',
      mainFields: ['module', 'main'],
      logLevel: 'silent',
    })
    const inputs = Object.keys(result.metafile.inputs)
    expect(inputs.some((path) => path.includes('node_modules/jose/'))).toBe(true)
    expect(inputs.filter((path) => path.startsWith('node:') || path.includes('@aws-sdk'))).toEqual([])
  })

  it('passes publint (exports, types, files)', async () => {
    const { messages } = await publint({ pkgDir: root, strict: true, pack: 'npm' }) // packs with lifecycle scripts off: no rebuild of dist/
    expect(messages.map((m) => `${m.type}: ${m.code} ${JSON.stringify(m.args)}`)).toEqual([])
  })
})
