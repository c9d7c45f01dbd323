/**
 * Bundles the Architect example's handlers (examples/architect/src/handlers.ts)
 * into examples/architect/build/<route>/index.mjs, the folders app.arc points
 * at: one ESM file per route with sesh inside, so the functions need no
 * node_modules. Run: `npm run build:architect` (start:architect runs it).
 */
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const example = `${root}examples/architect`

/** Route folder → the handlers.ts export serving it. */
export const ROUTES: Readonly<Record<string, string>> = {
  'get-index': 'getIndex',
  'post-count': 'postCount',
  'post-reset': 'postReset',
  'get-login': 'getLogin',
  'post-login': 'postLogin',
  'get-account': 'getAccount',
  'post-logout': 'postLogout',
}

/** WebSocket function folder (`@ws` in app.arc) → the ws.ts export serving it. */
export const WS_ROUTES: Readonly<Record<string, string>> = {
  'ws-connect': 'connect',
  'ws-default': 'message',
  'ws-disconnect': 'disconnect',
}

async function buildRoute(folder: string, exported: string, source = './src/handlers.ts'): Promise<void> {
  const result = await build({
    stdin: {
      contents: `export { ${exported} as handler } from '${source}'`,
      resolveDir: example,
      sourcefile: `${folder}.ts`,
      loader: 'ts',
    },
    write: false,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // The AWS SDK (DynamoDB sessions only) is loaded from node_modules rather than bundled into every route.
    // So is @architect/functions, whose ws.send replies to WebSockets.
    external: ['@aws-sdk/*', '@architect/functions'],
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    tsconfig: `${root}tsconfig.json`,
    logLevel: 'warning',
  })
  const dir = `${example}/build/${folder}`
  await mkdir(dir, { recursive: true })
  // Written to a temporary name and renamed, so a running sandbox never loads half a file.
  const temporary = `${dir}/.index.${process.pid}.mjs`
  await writeFile(temporary, result.outputFiles[0]!.contents)
  await rename(temporary, `${dir}/index.mjs`)
}

/** Builds every route; returns the example's folder. */
export async function buildArchitect(): Promise<string> {
  await Promise.all([
    ...Object.entries(ROUTES).map(([folder, exported]) => buildRoute(folder, exported)),
    ...Object.entries(WS_ROUTES).map(([folder, exported]) => buildRoute(folder, exported, './src/ws.ts')),
  ])
  return example
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`built ${Object.keys(ROUTES).length + Object.keys(WS_ROUTES).length} handlers into ${await buildArchitect()}/build`)
}
