/**
 * The counter on Cloudflare Workers. Options come from the Worker's `env` on
 * each request (secret, `ARC_*` vars, the KV binding `ARC_SESSION_TABLE_NAME`
 * names), never at module scope. `npm run start:worker` runs it in local
 * workerd; `npx wrangler deploy` deploys it (see wrangler.toml).
 */
import { sessionTableName } from 'seshjs'
import { upgradeWebSocket, type WorkerEnv, workerOptions } from 'seshjs/workers'
import { counterSocket, createCounterApp } from './app.js'

const app = createCounterApp<WorkerEnv>(
  (env) => workerOptions(env),
  (env) => {
    const name = sessionTableName(env)
    return name === undefined ? undefined : `the Workers KV namespace ${name}`
  },
)
app.get('/ws', upgradeWebSocket(counterSocket))

export default app
