import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

/** The package's subpaths, as sources (package.json's exports point at their builds in dist/). */
const SUBPATHS: Record<string, string> = {
  dynamodb: './src/stores/dynamodb/index.ts',
  kv: './src/stores/kv/index.ts',
  redis: './src/stores/redis/index.ts',
  admin: './src/admin/index.ts',
  store: './src/stores/index.ts',
  'durable-objects': './src/stores/durable-objects/index.ts',
  postgres: './src/stores/postgres/index.ts',
  sqlite: './src/stores/sqlite/index.ts',
  crypto: './src/crypto/index.ts',
  node: './adapters/node.ts',
  express: './adapters/express/index.ts',
  'react-router': './adapters/react-router/index.ts',
  lambda: './adapters/lambda.ts',
  workers: './adapters/workers.ts',
  architect: './architect/index.ts',
}

/** Tests of the wire that run a second time on the WebCrypto + jose path (the Workers/Deno/Bun default). */
const WIRE_TESTS = [
  'src/crypto.test.ts',
  'src/crypto/default-provider.test.ts',
  'test/architect-vectors.test.ts',
  'test/architect/jwe-wire.test.ts',
  'test/stores/cookie.conformance.test.ts',
]

/** The AWS SDK's banner about future Node versions (in every process that loads it), off for tests. */
const QUIET = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }
/** sesh reads the process's environment: the tests run in development whatever the shell's NODE_ENV says. */
const TEST_ENV = { NODE_ENV: 'test' }

export default defineConfig({
  resolve: {
    alias: [
      { find: /^seshjs$/, replacement: here('./src/index.ts') },
      ...Object.entries(SUBPATHS).map(([name, path]) => ({ find: new RegExp(`^seshjs/${name}$`), replacement: here(path) })),
    ],
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // A test that writes an uncaptured console.error/console.warn or a process warning fails (both projects).
    setupFiles: ['test/setup/quiet-console.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: [
            'src/**/*.test.ts',
            'adapters/**/*.test.ts',
            'architect/**/*.test.ts',
            'cli/**/*.test.ts',
            'test/**/*.test.ts',
            'examples/**/*.test.ts',
          ],
          env: { SESH_EXPECTED_CRYPTO: 'node', ...QUIET, ...TEST_ENV },
          // The package tests import dist/, rebuilt when stale (here only, so it runs once).
          globalSetup: ['test/setup/build-dist.ts'],
        },
      },
      {
        // As off Node: the package's `#crypto-provider` import resolves to no platform provider.
        extends: true,
        resolve: { alias: [{ find: /^#crypto-provider$/, replacement: here('./src/crypto/platform/none.js') }] },
        test: {
          name: 'webcrypto',
          include: WIRE_TESTS,
          env: { SESH_EXPECTED_CRYPTO: 'webcrypto', ...QUIET, ...TEST_ENV },
          // the per-request benchmarks once more on this path (bench/crypto.bench.ts compares the providers itself)
          benchmark: { include: ['bench/sessions.bench.ts', 'bench/stores.bench.ts'] },
        },
      },
    ],
  },
})
