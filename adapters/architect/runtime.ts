/**
 * The runtime of `seshjs/architect`: the session engine configured from the
 * options and the `ARC_*` environment, as Architect configures itself on every
 * call. Each call compares the variables that matter (a string comparison) and
 * reuses the engine built for those values, so tests that change `ARC_*`
 * between calls see the change, and nothing is rebuilt otherwise. The store is
 * Architect's: `ARC_SESSION_TABLE_NAME=jwe` (or unset) → cookie (JWE); a table
 * name → DynamoDB.
 *
 * Used by `http()`, `session` and sibling modules (see `internal.ts`).
 *
 * @module
 */
import { createSessions, sessionTableName, type Session, type Sessions, type SessionOptions, type SessionStore } from '../../src/index.js'
import type { Keyring } from '../../src/crypto.js'
import { type Env, envSignature } from './env.js'
import { fallbackSigning } from './fallback-secret.js'
import { withExpires } from './session-cookie.js'
import { architectStore } from './store.js'

export type { Env } from './env.js'

/** Options of `createArchitect()`: the core's session options, read over the `ARC_*` environment. */
export interface ArchitectOptions extends Omit<SessionOptions, 'env'> {
  /**
   * Where `ARC_*` variables are read from, on every call. Explicit options win over it.
   * @default process.env
   */
  env?: Env
  /**
   * Makes the DynamoDB store when `ARC_SESSION_TABLE_NAME` names a table.
   * @default `dynamoStore` from `seshjs/dynamodb` on the table Architect would use: deployed
   * (`ARC_ENV` `staging`/`production`), a logical or physical name looked up in AWS SSM under
   * `/<stack>/tables`; under Architect's sandbox (`testing`), its local table and endpoint
   */
  dynamoStore?: (table: string, env: Env) => SessionStore | Promise<SessionStore>
}

/** The engine, with what Architect's helpers need to know about it. */
export interface Runtime {
  readonly sessions: Sessions
  /** `cookie` for JWE sessions, `server` for stores that keep records by id. */
  readonly kind: 'cookie' | 'server'
  readonly production: boolean
  /** The idle lifetime, in seconds (DynamoDB's `_ttl` is the last write plus this). */
  readonly ttl: number
  readonly env: Env
  /** The session cookie's name (`_idx`). */
  readonly cookieName: string
  /** The clock, in epoch milliseconds. */
  readonly now: () => number
  /** The keys that sign session ids (Architect's fallback secret when `ARC_APP_SECRET` is unset). */
  readonly signing: Keyring
  /**
   * The session a cookie value names (`undefined`: none): lazy, nothing is read until first use.
   *
   * @param cookieValue the value of the `_idx` cookie
   */
  open(cookieValue: string | undefined): Promise<Session>
  /**
   * Writes the session if it changed (or is due for renewal) and returns the
   * `Set-Cookie` value Architect would send (with `Expires`), or `undefined`.
   *
   * @param session a session from {@link Runtime.open}
   */
  saveCookie(session: Session): Promise<string | undefined>
}

let fallbackWarned = false
function warnFallback(): void {
  if (fallbackWarned) return
  fallbackWarned = true
  console.warn(
    'seshjs/architect: no ARC_APP_SECRET is set, so DynamoDB session ids are signed with ARC_APP_NAME, as Architect does. ' +
      'Set ARC_APP_SECRET (e.g. `openssl rand -base64 32`) before deploying.',
  )
}

async function build(options: ArchitectOptions, env: Env, stores: Map<string, Promise<SessionStore>>): Promise<Runtime> {
  const { dynamoStore = architectStore, env: _env, ...rest } = options
  const table = sessionTableName(env)
  let store = rest.store
  let fallback: string | undefined
  if (!store && table) {
    // one store per table and place: a change of, say, ARC_SESSION_SAME_SITE does not look the table up again
    const key = `${table}\u0000${env.ARC_ENV}\u0000${env.ARC_SANDBOX}\u0000${env.ARC_LOCAL}\u0000${env.ARC_APP_NAME}\u0000${env.ARC_STACK_NAME}`
    let pending = stores.get(key)
    if (!pending) stores.set(key, (pending = Promise.resolve(dynamoStore(table, env))))
    store = await pending.catch((error: unknown) => {
      stores.delete(key)
      throw error
    })
    // Architect signs ids with ARC_APP_NAME (or 'fallback') when ARC_APP_SECRET is unset.
    if (rest.secret === undefined && rest.secrets === undefined && !env.ARC_APP_SECRET) {
      fallback = env.ARC_APP_NAME || 'fallback'
      store = fallbackSigning(store, fallback)
    }
  }
  if (fallback !== undefined && rest.onWarning === undefined) rest.onWarning = warnFallback
  const sessions = createSessions({ ...rest, env, ...(store ? { store } : {}) })
  const { options: resolved } = sessions
  const { cookieName, now } = resolved
  return {
    signing: fallback === undefined ? resolved.keyring : resolved.keyring.withSigningSecrets([fallback]),
    sessions,
    kind: resolved.store.stateless ? 'cookie' : 'server',
    production: resolved.production,
    ttl: resolved.ttl,
    env,
    cookieName,
    now,
    open(cookieValue) {
      const cookie = cookieValue === undefined ? undefined : `${cookieName}=${encodeURIComponent(cookieValue)}`
      return sessions.load(new Request('http://localhost/', cookie ? { headers: { cookie } } : {}))
    },
    async saveCookie(session) {
      const header = await sessions.save(session)
      return header === undefined ? undefined : withExpires(header, now())
    },
  }
}

/** How many configurations a process keeps ready (tests switch between a few). */
const KEPT = 8

/**
 * The runtime for each call: built on first use from the options and the
 * environment, rebuilt when a variable that shapes it changes, and reused
 * otherwise. A failed build (a bad secret) is not kept, so every call reports it.
 *
 * @example
 * ```ts
 * const runtime = runtimes({ env: process.env })
 * const { sessions } = await runtime()
 * ```
 * @param options the options, or a function returning them (called on each call)
 */
export function runtimes(options: ArchitectOptions | (() => ArchitectOptions) = {}): () => Promise<Runtime> {
  const built = new Map<string, Promise<Runtime>>()
  const stores = new Map<string, Promise<SessionStore>>()
  return () => {
    const resolved = typeof options === 'function' ? options() : options
    const env = resolved.env ?? process.env
    const key = envSignature(env)
    let pending = built.get(key)
    if (!pending) {
      pending = build(resolved, env, stores).catch((error: unknown) => {
        built.delete(key)
        throw error
      })
      if (built.size >= KEPT) built.delete(built.keys().next().value!)
      built.set(key, pending)
    }
    return pending
  }
}
