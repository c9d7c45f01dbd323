/**
 * "Your devices" on Cloudflare Workers, with sessions in the KV namespace bound
 * as `SESSIONS` (its per-user index under `user`) and the secret from
 * `ARC_APP_SECRET`. KV's listings lag its writes by up to a minute at the
 * edge: a device may show up (or go) on the list that much later.
 */
import { kvStore, type KVNamespaceLike } from 'seshjs/kv'
import { createDevicesApp } from './app.js'

type Env = { SESSIONS: KVNamespaceLike; ARC_APP_SECRET: string }

export default createDevicesApp<Env>((env) => ({ secret: env.ARC_APP_SECRET, store: kvStore(env.SESSIONS, { userKey: 'user' }) }))
