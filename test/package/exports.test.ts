/**
 * Packaging: with dist/ built (vitest's global setup rebuilds it when a source
 * is newer; `npm run build` by hand), plain Node imports
 * the package's entry points, the core pulls in no Node built-in, no AWS SDK and
 * no Redis client, and `seshjs/redis` loads node-redis only when it makes a client.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { publint } from 'publint'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
  exports: Record<string, { types: string; default: string } | string>
}

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
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', `${script}; console.log('ok')`], {
      cwd: root,
      encoding: 'utf8',
    })
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
    expect(inputs.filter((path) => path.startsWith('node:') || /@aws-sdk|node_modules\/(redis|@redis|ioredis)\//.test(path))).toEqual([])
  })

  it('seshjs/redis loads no Redis client on import: node-redis comes with the first client it makes', async () => {
    const result = await build({
      entryPoints: [`${root}dist/src/stores/redis/index.js`],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      logLevel: 'silent',
    })
    const inputs = Object.keys(result.metafile.inputs)
    expect(inputs.filter((path) => /node_modules\/(redis|@redis|ioredis)\//.test(path))).toEqual([])
    // and at run time, in plain Node where no Redis client can be resolved: the import works, a store
    // is made, and its first command fails as a missing peer naming what to install
    const hook = `export async function resolve(specifier, context, next) {
      if (/^(redis|ioredis|@redis\\/)/.test(specifier)) throw new Error('blocked ' + specifier)
      return next(specifier, context)
    }`
    const script = `
      import { register } from 'node:module'
      register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}))
      const blocked = await import('redis').then(() => false, () => true)
      const { createSessions } = await import('seshjs')
      const { redisStore } = await import('seshjs/redis')
      const engine = createSessions({ secret: 'x'.repeat(32), store: redisStore({ url: 'redis://127.0.0.1:1' }), onWarning() {} })
      const session = await engine.load(new Request('http://localhost/'))
      session.set('n', 1)
      const error = await engine.commit(session, new Response()).catch((e) => e)
      console.log(JSON.stringify({ blocked, code: error.code, hint: error.message.includes('npm install redis') }))`
    // (the store also says it once on stderr: test/stores/peer-missing.test.ts)
    const output = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    ) as unknown
    expect(output).toEqual({ blocked: true, code: 'ERR_SESSION_STORE_PEER_MISSING', hint: true })
  })

  it('passes publint (exports, types, files)', async () => {
    const { messages } = await publint({ pkgDir: root, strict: true, pack: 'npm' }) // packs with lifecycle scripts off: no rebuild of dist/
    expect(messages.map((m) => `${m.type}: ${m.code} ${JSON.stringify(m.args)}`)).toEqual([])
  })
})
