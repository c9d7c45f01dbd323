/**
 * The counter on Cloudflare Workers. Options come from the Worker's `env` on
 * each request (secret, `ARC_*` vars, the KV, Durable Object or D1 binding
 * `ARC_SESSION_TABLE_NAME` names), never at module scope. `npm run start:worker`
 * runs it in local workerd; `npx wrangler deploy` deploys it (see wrangler.toml).
 *
 * With `ARC_SESSION_TABLE_NAME=SESSIONS_DO` the sessions live in Durable
 * Objects of {@link CounterSessions}, which also hold the counter's sockets:
 * `GET /ws` is routed to the object, which counts in the session it keeps and
 * closes the socket (4401) the moment the session ends.
 */
import { DurableObject } from 'cloudflare:workers'
import { sessionTableName } from 'seshjs'
import { durableObjectSocket, type ObjectSocket, sessionObject } from 'seshjs/durable-objects'
import { isD1Database, isDurableObjectNamespace, upgradeWebSocket, type WorkerEnv, workerOptions } from 'seshjs/workers'
import { counterSocket, createCounterApp } from './app.js'

const reply = (message: { count: number } | { error: string }) => JSON.stringify(message)

/** The session object (wrangler.toml binds it as `SESSIONS_DO`): the counter's socket, as `counterSocket` does it, in the object. */
export class CounterSessions extends sessionObject(DurableObject) {
  override socketOpen(socket: ObjectSocket) {
    socket.send(reply({ count: Number(socket.data()?.count ?? 0) }))
  }

  override async socketMessage(socket: ObjectSocket, message: string | ArrayBuffer) {
    if (message !== 'count') return socket.send(reply({ error: 'unknown message: send "count"' }))
    const data = socket.data()
    if (!data) return // the session ended: the object closed the socket with 4401
    const count = Number(data.count ?? 0) + 1
    if (await socket.save({ ...data, count })) socket.send(reply({ count }))
  }
}

/** The binding `ARC_SESSION_TABLE_NAME` names, if it is a Durable Object namespace. */
function durableObjects(env: WorkerEnv): boolean {
  const name = sessionTableName(env)
  return name !== undefined && Object.hasOwn(env, name) && isDurableObjectNamespace((env as Record<string, unknown>)[name])
}

const app = createCounterApp<WorkerEnv>(
  (env) => workerOptions(env),
  (env) => {
    const name = sessionTableName(env)
    if (name === undefined) return undefined
    if (durableObjects(env)) return `the Durable Objects of ${name}`
    return Object.hasOwn(env, name) && isD1Database((env as Record<string, unknown>)[name])
      ? `the D1 database ${name} (SQLite)`
      : `the Workers KV namespace ${name}`
  },
  'Cloudflare Workers',
)
const socket = upgradeWebSocket(counterSocket)
app.get('/ws', (c, next) => (durableObjects(c.env) ? durableObjectSocket(c) : socket(c, next)))

export default app
