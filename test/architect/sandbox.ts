/** Runs `npm run start:architect` (scripts/start-architect.ts) as a child process on a free port. */
import { freePort, type Runtime, startScript } from '../e2e/runtimes.js'

export { freePort }

/** A running example. */
export type RunningExample = Runtime

/**
 * Starts the example under the sandbox with `env` added to a copy of this
 * process's environment without its own `ARC_*`, and waits until it listens.
 *
 * @param env `ARC_*` variables (and optionally `PORT`) for the example
 */
export async function startExample(env: Record<string, string>): Promise<RunningExample> {
  return startScript('architect', 'scripts/start-architect.ts', { PORT: String(await freePort()), ...env }, 50_000)
}
