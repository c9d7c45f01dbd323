/**
 * Vitest setup file (every test file, both projects): a green run prints no
 * stack traces or warnings. A test fails when something writes to
 * `console.error` or `console.warn`, or emits a process warning, without the
 * test capturing it: an expected one is captured and asserted, e.g.
 * `const error = vi.spyOn(console, 'error').mockImplementation(() => {})`
 * then `expect(error).toHaveBeenCalledWith(...)`, or `onWarning` for sesh's own
 * warnings. Output outside a test (hooks, module scope) fails the file.
 * See docs/development.md.
 */
import { format } from 'node:util'
import { afterAll, afterEach, beforeEach } from 'vitest'

const GUARDED = Symbol.for('sesh.quietConsole')
type Marked = { [GUARDED]?: string[] }

/** What was written since the last check: one list per process, however many files it runs. */
const written: string[] = ((process as Marked)[GUARDED] ??= listenForWarnings([]))
// Keyed on the console object, in case the runner gives each file a new one.
;(console as Marked)[GUARDED] ??= wrapConsole(written)

function listenForWarnings(list: string[]): string[] {
  process.on('warning', (warning) => list.push(`process warning: ${warning.name}: ${warning.message}`))
  return list
}

function wrapConsole(list: string[]): string[] {
  for (const method of ['error', 'warn'] as const) {
    const original = console[method]
    // Records, then prints as before, so the output is still there to read beside the failure.
    console[method] = function quietConsole(...args: unknown[]) {
      list.push(`console.${method}: ${format(...args)}`)
      original.apply(console, args)
    }
  }
  return list
}

function check(where: string): void {
  if (written.length === 0) return
  const lines = written.splice(0).map((line) => `  ${line.split('\n')[0]}`)
  throw new Error(`${where} wrote to stderr without capturing it (see docs/development.md, "A quiet test run"):\n${lines.join('\n')}`)
}

beforeEach(() => check('This file, before this test (module scope or a hook),'))
afterEach(() => check('This test'))
afterAll(() => check('This file (outside its tests)'))
