/** Waiting for a redis-server to answer, for start:redis and the tests that start one. */
import { connect } from 'node:net'

/** What to say when `redis-server` is not installed. */
export const REDIS_SERVER_MISSING =
  'redis-server is not installed: install Redis (apt-get install redis-server, brew install redis), or set REDIS_URL to a running server'

/**
 * Resolves once the server answers `PING` at 127.0.0.1:`port` (PONG, or NOAUTH when it
 * wants a password), within `ms`.
 *
 * @param port the server's port
 * @param ms how long to wait
 */
export async function redisReady(port: number, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host: '127.0.0.1' })
      const done = (result: boolean) => {
        socket.destroy()
        resolve(result)
      }
      socket.setTimeout(500, () => done(false))
      socket.once('error', () => done(false))
      socket.once('connect', () => socket.write('PING\r\n'))
      socket.once('data', (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString())))
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
