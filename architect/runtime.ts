/**
 * The runtime of `seshjs/architect`: the session engine configured from the
 * options and the `ARC_*` environment through the one resolver
 * (`resolveConfig`), as Architect configures itself on every call. Each call
 * compares the variables that matter (one string comparison) and reuses the
 * engine built for those values, so tests that change `ARC_*` between calls
 * see the change and nothing is rebuilt otherwise; keys are imported once per
 * distinct secret. The store is Architect's: `ARC_SESSION_TABLE_NAME=jwe` (or
 * unset) → cookie (JWE); a table name → DynamoDB.
 *
 * Used by `http()`, `session`, `csrf`, and sibling modules (see `internal.ts`).
 *
 * @module
 */
import {
  createSessions,
  resolveConfig,
  type Session,
  type SessionConfig,
  type SessionOptions,
  type Sessions,
  type SessionStore,
  sessionTableName,
} from '../src/index.js'
import type { Keyring } from '../src/crypto/index.js'
import { type Env, envSignature } from './env.js'
import { withExpires } from './session-cookie.js'
import { architectStore, deferredStore } from './store.js'

export type { Env } from './env.js'

/** Options of `createArchitect()`: the core's session options, read over the `ARC_*` environment. */
export interface ArchitectOptions extends Omit<SessionOptions, 'env' | 'appNameFallback'> {
  /**
   * Where `ARC_*` variables are read from, on every call. Explicit options win over it.
   * @default process.env
   */
  env?: Env | undefined
  /**
   * Makes the DynamoDB store when `ARC_SESSION_TABLE_NAME` names a table (called on the first request that needs it).
   * @default `dynamoStore` from `seshjs/dynamodb` on the table Architect would use: deployed
   * (`ARC_ENV` `staging`/`production`), a logical or physical name looked up in AWS SSM under
   * `/<stack>/tables`; under Architect's sandbox (`testing`), its local table and endpoint
   */
  dynamoStore?: ((table: string, env: Env) => SessionStore | Promise<SessionStore>) | undefined
}

/** The engine of one configuration, with what Architect's helpers need. */
export interface Runtime {
  /** The engine (its `config` is the resolved configuration). */
  readonly sessions: Sessions
  /** The resolved configuration: keys, CSRF secrets, cookie attributes, store, production mode. */
  readonly config: SessionConfig
  /** `cookie` for JWE sessions, `server` for DynamoDB (and other stores that keep records by id). */
  readonly kind: 'cookie' | 'server'
  /**
   * The session a cookie value names (`undefined`: none): lazy, nothing is read until first use.
   *
   * @param cookieValue the value of the `_idx` cookie
   */
  open(cookieValue: string | undefined): Session
  /**
   * Writes the session if it changed (or is due for renewal) and returns the
   * `Set-Cookie` value Architect would send (with `Expires`), or `undefined`.
   *
   * @param session a session from {@link Runtime.open}
   */
  saveCookie(session: Session): Promise<string | undefined>
}

interface Caches {
  /** DynamoDB stores by table and place, so a change of, say, `ARC_SESSION_SAME_SITE` does not look the table up again. */
  stores: Map<string, SessionStore>
  /** Keyrings by secret: keys are imported once per distinct secret. */
  keyrings: Map<string, Keyring>
}

function storeFor(options: ArchitectOptions, env: Env, caches: Caches): SessionStore | undefined {
  if (options.store) return options.store
  const table = sessionTableName(env)
  if (!table) return undefined
  const key = [table, env.ARC_ENV, env.ARC_SANDBOX, env.ARC_LOCAL, env.ARC_APP_NAME, env.ARC_STACK_NAME, env.ARC_INTERNAL_PORT].join(
    '\u0000',
  )
  let store = caches.stores.get(key)
  if (!store) {
    const make = options.dynamoStore
    store = make ? deferredStore(async () => make(table, env)) : architectStore(table, env)
    caches.stores.set(key, store)
  }
  return store
}

function build(options: ArchitectOptions, env: Env, caches: Caches): Runtime {
  const { dynamoStore: _dynamoStore, env: _env, ...rest } = options
  const store = storeFor(options, env, caches)
  // Architect signs ids and CSRF tokens with ARC_APP_NAME (or 'fallback') when it has no secret
  const resolved = resolveConfig({ ...rest, env, appNameFallback: true, ...(store ? { store } : {}) })
  const keys = JSON.stringify([
    rest.secrets,
    rest.secret,
    rest.algorithm,
    rest.legacyKeys,
    env.ARC_APP_SECRET,
    env.ARC_APP_SECRET_ALGO,
    env.ARC_FORCE_LEGACY_JWE_SECRET,
    env.ARC_APP_NAME,
  ])
  const keyring = caches.keyrings.get(keys) ?? resolved.keyring
  caches.keyrings.set(keys, keyring)
  const config: SessionConfig = keyring === resolved.keyring ? resolved : { ...resolved, keyring }
  if (config.store.chunks) {
    // Why refused: Architect's runtime reads one `_idx` cookie, so a chunked session would silently start over there.
    throw new TypeError(
      'seshjs/architect cannot use chunked cookies (cookieStore({ chunks })): Architect reads one session cookie. Use a DynamoDB session table for large sessions.',
    )
  }
  const sessions = createSessions(config)
  return {
    sessions,
    config,
    kind: config.store.stateless ? 'cookie' : 'server',
    open: (cookieValue) => sessions.open(cookieValue),
    async saveCookie(session) {
      const saved = await sessions.saveCookie(session)
      return saved && withExpires(saved.header, config.now())
    },
  }
}

/** How many configurations a process keeps ready (tests switch between a few). */
const KEPT = 8

/**
 * The runtime of each call: built on first use from the options and the
 * environment, rebuilt when a variable that shapes it changes, and reused
 * otherwise. A failed build (a bad secret) is not kept, so every call reports it.
 *
 * @example
 * ```ts
 * const runtime = runtimes({ env: process.env })
 * const { sessions } = runtime()
 * ```
 * @param options the options, or a function returning them (called on each call)
 */
export function runtimes(options: ArchitectOptions | (() => ArchitectOptions) = {}): () => Runtime {
  const built = new Map<string, Runtime>()
  const caches: Caches = { stores: new Map(), keyrings: new Map() }
  return () => {
    const resolved = typeof options === 'function' ? options() : options
    const env = resolved.env ?? process.env
    const key = envSignature(env)
    let runtime = built.get(key)
    if (!runtime) {
      runtime = build(resolved, env, caches)
      if (built.size >= KEPT) built.delete(built.keys().next().value!)
      built.set(key, runtime)
    }
    return runtime
  }
}
