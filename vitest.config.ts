import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

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

export default defineConfig({
  resolve: {
    alias: [
      { find: /^seshjs$/, replacement: here('./src/index.ts') },
      { find: /^seshjs\/express$/, replacement: here('./adapters/express/index.ts') },
      { find: /^seshjs\/(.*)$/, replacement: here('./adapters/$1.ts') },
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
          include: ['src/**/*.test.ts', 'adapters/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
          env: { SESH_EXPECTED_CRYPTO: 'node', ...QUIET },
          // The package tests import dist/, rebuilt when stale (here only, so it runs once).
          globalSetup: ['test/setup/build-dist.ts'],
        },
      },
      {
        // As off Node: the package's `#crypto-provider` import resolves to no platform provider.
        extends: true,
        resolve: { alias: [{ find: /^#crypto-provider$/, replacement: here('./adapters/crypto/none.js') }] },
        test: {
          name: 'webcrypto',
          include: WIRE_TESTS,
          env: { SESH_EXPECTED_CRYPTO: 'webcrypto', ...QUIET },
          // the per-request benchmarks once more on this path (bench/crypto.bench.ts compares the providers itself)
          benchmark: { include: ['bench/sessions.bench.ts', 'bench/stores.bench.ts'] },
        },
      },
    ],
  },
})
