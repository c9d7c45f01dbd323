/**
 * `seshjs/kv`: sessions in Cloudflare Workers KV. Runtime-neutral: the store
 * takes the namespace binding (or anything with its `get`/`put`/`delete`).
 *
 * @example
 * ```ts
 * import { Hono } from 'hono'
 * import { sessions, type SessionEnv } from 'seshjs'
 * import { kvStore } from 'seshjs/kv'
 *
 * type Bindings = { SESSIONS: KVNamespace; ARC_APP_SECRET: string }
 * const app = new Hono<SessionEnv<{ count: number }, Bindings>>()
 * app.use(sessions((env: Bindings) => ({ env, store: kvStore(env.SESSIONS) })))
 * ```
 *
 * @module
 */
export { kvStore, type KVNamespaceLike, type KvStoreOptions } from './store.js'
