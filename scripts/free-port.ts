/** A free loopback TCP port, for start scripts and tests that start servers. */
import { createServer } from 'node:net'

/** A free loopback TCP port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/**
 * Whether something already listens on `port` (at `host`): tried by listening
 * there for a moment.
 *
 * @param port the port
 * @param host the address (default: every interface, as the servers bind)
 */
export function portInUse(port: number, host?: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(true) : reject(error)))
    server.listen(port, host, () => server.close(() => resolve(false)))
  })
}

/**
 * Ends the process with "port N is in use, set PORT" when `port` is taken,
 * instead of the raw EADDRINUSE stack a server (or wrangler) would print.
 * The suggestion names the script that was run: another one (`npm start` for
 * `start:dynamo`) would not bring up the same database.
 *
 * @param port the port
 * @param host the address
 * @param script the npm script to suggest (default: the one npm is running)
 */
export async function exitIfPortInUse(port: number, host?: string, script = process.env.npm_lifecycle_event): Promise<void> {
  if (!(await portInUse(port, host))) return
  const command = script === undefined ? '' : ` ${script === 'start' ? 'npm start' : `npm run ${script}`}`
  console.error(`port ${port} is in use, set PORT (for example PORT=${port + 1}${command})`)
  process.exit(1)
}
