/**
 * What a command gets from the process: its arguments, environment and
 * streams, so commands run the same from the bin and from tests.
 *
 * @module
 */

/** The process, as the commands see it. */
export interface Io {
  /** The environment (`ARC_*`, `AWS_*`). */
  env: Readonly<Record<string, string | undefined>>
  /** Writes to standard output. */
  out(text: string): void
  /** Writes to standard error. */
  err(text: string): void
  /** Whether standard error is a terminal (progress lines are shown only there). */
  interactive: boolean
}

/** A failure the user can fix: printed as one line, exit code 1 (2 for usage errors). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.name = 'CliError'
  }
}

/** A usage error: exit code 2, with a pointer to `--help`. */
export function usage(message: string, command: string): CliError {
  return new CliError(`${message} (see \`seshjs ${command} --help\`)`, 2)
}

/** Shows a progress line on a terminal's standard error; `done()` clears it. */
export function progress(io: Io): { update(text: string): void; done(): void } {
  let shown = false
  return {
    update(text) {
      if (!io.interactive) return
      io.err(`\r\x1b[2K${text}`)
      shown = true
    },
    done() {
      if (shown) io.err('\r\x1b[2K')
      shown = false
    },
  }
}

/** Characters a terminal acts on or reorders: C0 and C1 controls, DEL, line/paragraph separators, bidi overrides. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g
/** The same, except the line feeds and tabs a command lays its own output out with. */
const UNPRINTABLE_IN_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

const escapeChar = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`

/**
 * `text` safe to print on a terminal: every control character (an escape
 * sequence could retitle the window, move the cursor or hide lines), DEL, and
 * every bidi override is written as `\uXXXX`. In JSON text (where control
 * characters can only be layout) the result is still valid JSON of the same value.
 *
 * @example
 * ```ts
 * printable('a\u001b]0;owned\u0007b') // 'a\\u001b]0;owned\\u0007b'
 * ```
 * @param text what a store or an argument gave
 * @param layout keep line feeds and tabs (the command's own layout)
 */
export function printable(text: string, layout = false): string {
  return text.replace(layout ? UNPRINTABLE_IN_LAYOUT : UNPRINTABLE, escapeChar)
}
