/**
 * The quiet-console guard, run for real: its own vitest (a child process, with
 * its output collected, not forwarded) on fixtures/noisy.ts, one test per way
 * of writing to stderr.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

interface JsonReport {
  testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[]
}

it('fails a test that writes an uncaptured console.error, console.warn or process warning, and only those', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sesh-quiet-'))
  try {
    const report = join(dir, 'report.json')
    const args = [
      'node_modules/vitest/vitest.mjs',
      'run',
      '--config',
      'test/setup/fixtures/vitest.config.ts',
      '--reporter=json',
      `--outputFile=${report}`,
    ]
    const output = await new Promise<string>((resolve) => {
      execFile(process.execPath, args, { cwd: root, timeout: 60_000 }, (_error, stdout, stderr) => resolve(stdout + stderr))
    })
    const { testResults } = JSON.parse(
      await readFile(report, 'utf8').catch(() => `{"testResults":[],"output":${JSON.stringify(output)}}`),
    ) as JsonReport
    const results = Object.fromEntries(testResults.flatMap((file) => file.assertionResults).map((test) => [test.title, test]))
    expect(Object.keys(results), output).toHaveLength(6)
    const status = Object.fromEntries(Object.entries(results).map(([title, test]) => [title, test.status]))
    expect(status).toEqual({
      quiet: 'passed',
      'uncaptured console.error': 'failed',
      'uncaptured console.warn': 'failed',
      'a process warning': 'failed',
      'captured and asserted console.error': 'passed',
      'after a captured one, the guard is back': 'failed',
    })
    const message = (title: string) => results[title]!.failureMessages.join('\n')
    expect(message('uncaptured console.error')).toMatch(
      /This test wrote to stderr without capturing it[\s\S]*console\.error: Error: an expected failure/,
    )
    expect(message('uncaptured console.warn')).toMatch(/console\.warn: a warning nobody asserts/)
    expect(message('a process warning')).toMatch(/process warning: DeprecationWarning: something is deprecated/)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
