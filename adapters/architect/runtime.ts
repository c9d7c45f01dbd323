/**
 * One session engine per process (per `createArchitect()` instance), built on
 * first use from the options and the `ARC_*` environment, so variables set
 * before the first request count. Picks the store as Architect does:
 * `ARC_SESSION_TABLE_NAME=jwe` (or unset) → cookie (JWE); a table name → DynamoDB.
 *
 * @module
 */
import { createSessions, type Sessions } from '../../src/sessions.js'
import { sessionTableName, type SessionOptions } from '../../src/options.js'
import type { SessionStore } from '../../src/stores/store.js'
import type { Keyring } from '../../src/crypto.js'
import { fallbackSigning } from './fallback-secret.js'
import { awsTable, sandboxTable, stackPath, tableSource } from './discovery.js'

/** The environment: `process.env` or a plain object of strings. */
export type Env = Readonly<Record<string, string | undefined>>

/** Options of `createArchitect()`: the core's session options, read over the `ARC_*` environment. */
export interface ArchitectOptions extends Omit<SessionOptions, 'env'> {
  /**
   * Where `ARC_*` variables are read from. Explicit options win over it.
   * @default process.env
   */
  env?: Env | undefined
  /**
   * Makes the DynamoDB store when `ARC_SESSION_TABLE_NAME` names a table.
   * @default `dynamoStore` from `seshjs/dynamodb` on the table Architect would use: deployed
   * (`ARC_ENV` `staging`/`production`), a logical or physical name looked up in AWS SSM under
   * `/<stack>/tables`; under Architect's sandbox, its local table and endpoint; otherwise the name as given
   */
  dynamoStore?: ((table: string, env: Env) => SessionStore | Promise<SessionStore>) | undefined
}

/** The engine with what the adapter needs to know about it. */
export interface Runtime {
  sessions: Sessions
  /** `cookie` for JWE sessions, `server` for stores that keep records by id. */
  kind: 'cookie' | 'server'
  production: boolean
  ttl: number
  env: Env
  /** The keys that sign session ids (Architect's fallback secret when `ARC_APP_SECRET` is unset). */
  signing: Keyring
}

/**
 * A store made on first use, so a table lookup happens on the first request
 * that needs the store and its failure (`SessionStoreUnavailableError`) reaches
 * the handler like any store fault. A failure is not kept: the next call retries.
 */
function deferredStore(make: () => Promise<SessionStore>): SessionStore {
  let pending: Promise<SessionStore> | undefined
  const store = () =>
    (pending ??= make().catch((error: unknown) => {
      pending = undefined
      throw error
    }))
  return {
    read: async (cookieValue, context) => (await store()).read(cookieValue, context),
    write: async (record, context, options) => (await store()).write(record, context, options),
    delete: async (record, context) => (await store()).delete(record, context),
    touch: async (record, context) => {
      const resolved = await store()
      return resolved.touch ? resolved.touch(record, context) : resolved.write(record, context)
    },
    get: async (id, context) => (await store()).get?.(id, context),
    cookieValue: async (id, context) => (await store()).cookieValue!(id, context),
  }
}

async function sandboxStore(table: string, env: Env): Promise<SessionStore> {
  const { dynamoStore } = await import('../dynamodb.js')
  const local = await sandboxTable(table, env)
  if (!local) return dynamoStore({ table })
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb')
  const credentials =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY ? undefined : { accessKeyId: 'arcDummyAccessKey', secretAccessKey: 'arcDummySecretKey' }
  const client = new DynamoDBClient({ endpoint: local.endpoint, region: env.AWS_REGION || 'us-west-2', ...(credentials ? { credentials } : {}) })
  return dynamoStore({ table: local.table, client })
}

async function defaultDynamoStore(table: string, env: Env): Promise<SessionStore> {
  // loaded only for DynamoDB sessions, so JWE apps never load the AWS SDK
  const { dynamoStore } = await import('../dynamodb.js')
  switch (tableSource(env)) {
    case 'aws':
      stackPath(env, false) // fail fast without ARC_APP_NAME / ARC_STACK_NAME
      return deferredStore(async () => dynamoStore({ table: await awsTable(table, env) }))
    case 'sandbox':
      return deferredStore(() => sandboxStore(table, env))
    default:
      return dynamoStore({ table })
  }
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

async function build(options: ArchitectOptions): Promise<Runtime> {
  const { dynamoStore = defaultDynamoStore, env = process.env, ...rest } = options
  const table = sessionTableName(env)
  let store = rest.store
  let fallback: string | undefined
  if (!store && table) {
    store = await dynamoStore(table, env)
    // Architect signs ids with ARC_APP_NAME (or 'fallback') when ARC_APP_SECRET is unset.
    if (rest.secret === undefined && rest.secrets === undefined && !env.ARC_APP_SECRET) {
      fallback = env.ARC_APP_NAME || 'fallback'
      store = fallbackSigning(store, fallback)
    }
  }
  if (fallback !== undefined && rest.onWarning === undefined) rest.onWarning = warnFallback
  const sessions = createSessions({ ...rest, env, ...(store ? { store } : {}) })
  const { options: resolved } = sessions
  return {
    signing: fallback === undefined ? resolved.keyring : resolved.keyring.withSigningSecrets([fallback]),
    sessions,
    kind: resolved.store.stateless ? 'cookie' : 'server',
    production: resolved.production,
    ttl: resolved.ttl,
    env,
  }
}

/**
 * A lazily built runtime: the first call builds it, later calls reuse it. A
 * failed build (a bad secret) is not cached, so every request reports it.
 *
 * @param options the options, or a function returning them (called on first use)
 */
export function lazyRuntime(options: ArchitectOptions | (() => ArchitectOptions) = {}): () => Promise<Runtime> {
  let pending: Promise<Runtime> | undefined
  return () => {
    pending ??= build(typeof options === 'function' ? options() : options).catch((error: unknown) => {
      pending = undefined
      throw error
    })
    return pending
  }
}
