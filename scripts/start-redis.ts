/**
 * `npm run start:redis`: the counter on Node with its sessions in Redis, in
 * one command. Starts its own `redis-server` on a free loopback port (in
 * memory, stopped with the counter), or uses the server at REDIS_URL when set.
 *
 * PORT picks the counter's port (default 3333); REDIS_PORT the port of the
 * redis-server it starts (default: a free one).
 */
import { spawn } from 'node:child_process'
import { exitIfPortInUse, freePort } from './free-port.js'
import { REDIS_SERVER_MISSING, redisReady } from './redis-server.js'

// A busy port is found before redis-server starts, with this script's name (`npm start` would run without Redis).
await exitIfPortInUse(Number(process.env.PORT ?? 3333), process.env.HOST, 'start:redis')

// This demo is about Redis: a DynamoDB table name in the environment would win in the counter.
delete process.env.ARC_SESSION_TABLE_NAME
delete process.env.SESSION_TABLE_NAME

if (!process.env.REDIS_URL) {
  const port = Number(process.env.REDIS_PORT ?? (await freePort()))
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning']
  const server = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'inherit'] })
  const failed = new Promise<never>((_, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new Error(REDIS_SERVER_MISSING) : error))
    server.once('exit', (code) => reject(new Error(`redis-server exited (${code}): is port ${port} free? (set REDIS_PORT)`)))
  })
  try {
    await Promise.race([redisReady(port), failed])
  } catch (error) {
    server.kill()
    console.error(`start:redis: ${(error as Error).message}`) // one line, not a stack trace
    process.exit(1)
  }
  failed.catch(() => {}) // it exits with the counter
  process.once('exit', () => server.kill()) // the counter's Ctrl-C handler ends with process.exit()
  process.env.REDIS_URL = `redis://127.0.0.1:${port}`
  console.log(`redis-server (in memory) at ${process.env.REDIS_URL}`)
}

await import('../examples/counter/node.js')
