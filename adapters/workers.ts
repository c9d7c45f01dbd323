/**
 * Cloudflare Workers onto the session options. A Worker's configuration — the
 * `ARC_APP_SECRET` secret, `ARC_*` variables, KV namespace bindings — arrives
 * as `env` with each request, so options are made from `env` per request
 * (the `sessions()` middleware caches them per `env` object), never at module
 * scope. A Hono app is already a Worker module (`export default app`), so no
 * request mapping is needed.
 *
 * Storage is chosen as on every runtime: `ARC_SESSION_TABLE_NAME` unset or
 * `jwe` → the cookie store; otherwise it names a KV namespace binding → the
 * KV store on it (the Workers counterpart of Architect's session table),
 * a Durable Object namespace binding → the Durable Object store on it, or a
 * D1 database binding → the SQLite store on it (its table made beforehand).
 *
 * @module
 */
import { sessionTableName, type SessionMiddlewareOptions, type SessionStore } from '../src/index.js'
import { type DurableObjectNamespaceLike, durableObjectStore } from '../src/stores/durable-objects/index.js'
import { type KVNamespaceLike, kvStore } from '../src/stores/kv/index.js'
import { type D1DatabaseLike, sqliteStore } from '../src/stores/sqlite/index.js'

/**
 * A Worker's `env`: any object, e.g. the `interface Env` that `wrangler types`
 * writes. sesh reads its `ARC_*` strings and, by name, a KV namespace binding.
 */
export type WorkerEnv = object

function isKvNamespace(value: unknown): value is KVNamespaceLike {
  if (typeof value !== 'object' || value === null) return false
  const kv = value as Record<string, unknown>
  return typeof kv.get === 'function' && typeof kv.put === 'function' && typeof kv.delete === 'function'
}

/**
 * Whether `value` is a Durable Object namespace binding (`idFromName` and `get`; a KV namespace has no `idFromName`).
 *
 * @param value a binding
 */
export function isDurableObjectNamespace(value: unknown): value is DurableObjectNamespaceLike {
  if (typeof value !== 'object' || value === null) return false
  const namespace = value as Record<string, unknown>
  return typeof namespace.idFromName === 'function' && typeof namespace.get === 'function'
}

/**
 * Whether `value` is a D1 database binding (`prepare` and `batch`; neither a KV nor a Durable Object namespace has them).
 *
 * @param value a binding
 */
export function isD1Database(value: unknown): value is D1DatabaseLike {
  if (typeof value !== 'object' || value === null) return false
  const db = value as Record<string, unknown>
  return typeof db.prepare === 'function' && typeof db.batch === 'function'
}

/**
 * The store `env` asks for: `undefined` (the cookie store) when
 * `ARC_SESSION_TABLE_NAME` (or the older `SESSION_TABLE_NAME`) is unset or `jwe`, else {@link kvStore} on the KV
 * namespace binding it names, `durableObjectStore()` (`seshjs/durable-objects`) on the Durable
 * Object namespace binding it names, or `sqliteStore()` (`seshjs/sqlite`, its table `sessions`,
 * no prune after writes: prune from a cron trigger with `pruneSqlite()`) on the D1 database
 * binding it names. A name with no such binding is a `TypeError`
 * (a configuration mistake, better loud than a silent switch to cookies).
 *
 * @example
 * ```ts
 * // wrangler.toml: [[kv_namespaces]] binding = "SESSIONS"; [vars] ARC_SESSION_TABLE_NAME = "SESSIONS"
 * app.use(sessions((env) => ({ env, store: storeFromEnv(env) })))
 * ```
 * @param env the Worker's `env`
 */
export function storeFromEnv(env: WorkerEnv): SessionStore | undefined {
  const name = sessionTableName(env)
  if (name === undefined) return undefined
  const binding = Object.hasOwn(env, name) ? (env as Readonly<Record<string, unknown>>)[name] : undefined // never Object.prototype's
  if (isDurableObjectNamespace(binding)) return durableObjectStore(binding)
  // a Worker stops background work after its response: the prune after writes would be cut off
  if (isD1Database(binding)) return sqliteStore({ client: binding, prune: false })
  if (!isKvNamespace(binding)) {
    throw new TypeError(
      `ARC_SESSION_TABLE_NAME is "${name}", but the Worker has no KV namespace binding (nor Durable Object or D1 binding) of that name: ` +
        `add [[kv_namespaces]] binding = "${name}" (or a [[durable_objects.bindings]] of a sessionObject() class, or [[d1_databases]]) to wrangler.toml, ` +
        `or set ARC_SESSION_TABLE_NAME to "jwe" for the cookie store.`,
    )
  }
  return kvStore(binding)
}

/**
 * Session options from a Worker's `env`: its `ARC_*` variables and secrets,
 * and the store {@link storeFromEnv} picks. Explicit `options` win. Pass it to
 * `sessions()` as a function, so it runs with each request's `env`.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono'
 * import { sessions, type SessionEnv } from 'seshjs'
 * import { workerOptions } from 'seshjs/workers'
 *
 * const app = new Hono<SessionEnv<{ count: number }>>()
 * app.use(sessions((env) => workerOptions(env)))
 * export default app
 * ```
 * @param env the Worker's `env`
 * @param options options that override what `env` says
 */
export function workerOptions(env: WorkerEnv, options: SessionMiddlewareOptions = {}): SessionMiddlewareOptions {
  if (env === null || typeof env !== 'object') throw new TypeError("workerOptions() takes the Worker's env object")
  const store = options.store ?? storeFromEnv(env)
  return { ...options, env: options.env ?? env, ...(store ? { store } : {}) }
}

export { upgradeWebSocket } from './workers-ws.js'
