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
