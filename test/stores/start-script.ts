/**
 * Runs a start script (`scripts/start-*.ts`) as `npm run <name>` does: its own
 * process, npm's `npm_lifecycle_event`, and none of vitest's settings (the AWS
 * SDK's Node-version banner is on, as in a user's shell). Resolves once the
 * script prints its URL (then stops it) or exits by itself.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** How the script ended, and everything it printed. */
export interface StartScriptRun {
  /** The exit code when it exited by itself; undefined when it started and was stopped. */
  code: number | null | undefined
  output: string
}

/**
 * @param name the npm script (`start:dynamo`)
 * @param file its file
 * @param env variables to add
 */
export function runStartScript(name: string, file: string, env: Record<string, string>): Promise<StartScriptRun> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !key.startsWith('ARC_') && key !== 'REDIS_URL' && key !== 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
    ),
  )
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: root,
    env: { ...base, AWS_EC2_METADATA_DISABLED: 'true', NODE_ENV: 'development', npm_lifecycle_event: name, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  let started = false
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${name} neither started nor exited:\n${output}`))
    }, 90_000)
    const read = (chunk: Buffer) => {
      output += chunk.toString()
      if (!started && /listening on http/.test(output)) {
        started = true
        child.kill('SIGTERM')
      }
    }
    child.stdout.on('data', read)
    child.stderr.on('data', read)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code: started ? undefined : code, output })
    })
  })
}
