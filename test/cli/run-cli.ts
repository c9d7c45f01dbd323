/** Runs the `seshjs` command as a child process (node + tsx on the sources), bounded in time. */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const MAIN = fileURLToPath(new URL('../../adapters/cli/main.ts', import.meta.url))

/** What a run printed and how it ended. */
export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/**
 * Runs `seshjs ...args` with `env` added to a clean environment (no inherited ARC_* or AWS_* variables).
 *
 * @param args the arguments
 * @param env the variables to set
 */
export function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const base: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(ARC_|AWS_|SESSION_)/.test(key)) base[key] = value
  }
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--no-warnings', '--import', 'tsx', MAIN, ...args],
      { cwd: ROOT, env: { ...base, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error)
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr })
      },
    )
  })
}
