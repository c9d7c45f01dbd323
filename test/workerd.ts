/**
 * Bundles a test Worker the way wrangler would for workerd (esbuild, the
 * `workerd`/`worker`/`browser` conditions), with `seshjs` and its subpaths
 * pointing at this repository's sources.
 */
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url))

/**
 * The Worker at `entry` as one ES module's text.
 *
 * @param entry the Worker's path (absolute, or a `file:` URL)
 */
export async function bundleWorker(entry: string | URL): Promise<string> {
  const bundle = await build({
    entryPoints: [entry instanceof URL ? fileURLToPath(entry) : entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    alias: {
      seshjs: root('src/index.ts'),
      'seshjs/kv': root('src/stores/kv/index.ts'),
      'seshjs/admin': root('src/admin/index.ts'),
      'seshjs/durable-objects': root('src/stores/durable-objects/index.ts'),
    },
    external: ['cloudflare:*'],
    logLevel: 'silent',
  })
  return bundle.outputFiles[0]!.text
}
