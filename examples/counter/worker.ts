/**
 * The counter on Cloudflare Workers. Options come from the Worker's `env` on
 * each request (secret, `ARC_*` vars, the KV binding `ARC_SESSION_TABLE_NAME`
 * names), never at module scope. `npm run start:worker` runs it in local
 * workerd; `npx wrangler deploy` deploys it (see wrangler.toml).
 */
import { type WorkerEnv, workerOptions } from 'seshjs/workers'
import { createCounterApp } from './app.js'

export default createCounterApp<WorkerEnv>((env) => workerOptions(env))
