/**
 * Bundles the counter's Lambda entry (examples/counter/lambda.ts) into
 * examples/counter/build/counter/index.mjs, the folder app.arc points at:
 * one ESM file with sesh, Hono and jose inside, so the function needs no
 * node_modules (the AWS SDK, for a DynamoDB session table, comes with the runtime). Run: `npm run build:lambda`.
 * Without Architect, the same bundle deploys as a zip (handler `index.handler`,
 * runtime nodejs22.x or nodejs24.x): docs/runtimes.md.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))

/** The folder app.arc's routes point at. */
export const lambdaBuildDir = `${root}examples/counter/build/counter`

/** Bundles the Lambda entry; resolves `seshjs` and `seshjs/*` through tsconfig.json's `paths`. */
export async function buildLambda(): Promise<string> {
  const result = await build({
    entryPoints: [`${root}examples/counter/lambda.ts`],
    outfile: `${lambdaBuildDir}/index.mjs`,
    write: false,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    tsconfig: `${root}tsconfig.json`,
    // The Lambda Node.js runtime ships the AWS SDK v3 (used only with a DynamoDB session table).
    external: ['@aws-sdk/*'],
    logLevel: 'warning',
  })
  // Written to a temporary name and renamed, so a sandbox already running never loads half a file.
  await mkdir(lambdaBuildDir, { recursive: true })
  const temporary = `${lambdaBuildDir}/.index.${process.pid}.mjs`
  await writeFile(temporary, result.outputFiles[0]!.contents)
  await rename(temporary, `${lambdaBuildDir}/index.mjs`)
  return lambdaBuildDir
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`built ${await buildLambda()}/index.mjs`)
}
