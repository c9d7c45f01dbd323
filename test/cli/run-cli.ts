/**
 * Runs the `seshjs` command as a child process: the built bin (`dist/`, kept
 * fresh by the global setup), exactly what `npx seshjs` runs from the package.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
/** The package's bin. */
export const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url))

/** What a run printed and how it ended. */
export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/**
 * Runs `seshjs ...args` with `env` added to a clean environment (no inherited ARC_*, AWS_*, REDIS_URL or DATABASE_URL variables).
 *
 * @param args the arguments
 * @param env the variables to set
 */
export function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const base: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(ARC_|AWS_|SESSION_|REDIS_URL$|DATABASE_URL$)/.test(key)) base[key] = value
  }
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--no-warnings', MAIN, ...args],
      { cwd: ROOT, env: { ...base, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error)
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr })
      },
    )
  })
}
