/**
 * `seshjs/dynamodb`: sessions in a DynamoDB table, wire-compatible with
 * `@architect/functions` (`{ _idx, _secret, _ttl, ...data }`).
 *
 * Importing this module never loads the AWS SDK. `dynamoStore()`,
 * `createSessionTable()` and `createDynamoClient()` load
 * `@aws-sdk/client-dynamodb` (an optional peer dependency) when they first need
 * it; `dynamoSessionStore({ table, call })` never does, so a Worker can sign its
 * own requests (e.g. with `aws4fetch`).
 *
 * @module
 */
import type { DynamoDBClient, DynamoDBClientConfig } from '@aws-sdk/client-dynamodb'
import type { ConcurrencyOptions } from '../concurrency.js'
import type { SessionStore } from '../contract.js'
import { peerMissing } from '../peer.js'
import type { DynamoCall, DynamoOperation } from './call.js'
import { dynamoSessionStore } from './store.js'
import { createTable as createDynamoTable } from './table.js'

export { userIndexName, type CreateTableOptions } from './table.js'
export type { ConcurrencyOptions, MergeFunction } from '../concurrency.js'
export { dynamoSessionStore, type DynamoSessionStoreOptions } from './store.js'
export type { DynamoCall, DynamoOperation } from './call.js'

/**
 * Anything with the AWS SDK v3 client's `send(command)`: a `DynamoDBClient`,
 * usually (not the document client: sesh marshals items itself).
 */
export interface DynamoClient {
  /** Sends an SDK command; sesh passes `{ abortSignal }` when a store call's deadline may abandon it. */
  send(command: any, options?: { abortSignal?: AbortSignal }): Promise<any>
}

/**
 * The AWS SDK's `DynamoDBClientConfig` (`region`, `endpoint`, `credentials`,
 * `maxAttempts`, ...), typed loosely: this module's types never name the SDK,
 * so an app that sends its own requests (`dynamoSessionStore({ table, call })`)
 * compiles without it, even with `skipLibCheck: false`.
 */
export type DynamoClientConfig = object

/**
 * The `DynamoDBClient` {@link createDynamoClient} makes, as far as these types
 * tell without naming the SDK: `send()` and `destroy()` (it is the SDK's
 * `DynamoDBClient`, to cast to for the rest).
 */
export interface CreatedDynamoClient extends DynamoClient {
  /** Closes the client's connections. */
  destroy(): void
}

/** Options of {@link dynamoStore}. */
export interface DynamoStoreOptions extends ConcurrencyOptions {
  /**
   * Finding a user's sessions (the admin API): the name of the global secondary
   * index on the user key, or `false` to always Scan.
   * @default found with one DescribeTable call: an active index whose hash key is the user key
   */
  userIndex?: string | false | undefined
  /** The table name: `_idx` (String) hash key, TTL on `_ttl`. Create it with {@link createSessionTable}. */
  table: string
  /**
   * The client.
   * @default one shared `new DynamoDBClient()`, configured by the SDK's own
   * sources (`AWS_REGION`, `AWS_ENDPOINT_URL_DYNAMODB`, the credential chain)
   */
  client?: DynamoClient | undefined
}

/** What sesh takes from `@aws-sdk/client-dynamodb`. */
type Sdk = { DynamoDBClient: typeof DynamoDBClient } & {
  [Operation in DynamoOperation as `${Operation}Command`]: new (
    input: any,
  ) => unknown
}

// Not a string literal in import(), so that bundlers (wrangler, esbuild) leave
// the SDK out of a Worker that uses dynamoSessionStore({ call }) only.
const SDK = '@aws-sdk/client-dynamodb'
let sdk: Promise<Sdk> | undefined

function loadSdk(): Promise<Sdk> {
  sdk ??= (import(SDK) as Promise<Sdk>).catch((cause: unknown) => {
    sdk = undefined
    throw peerMissing(
      {
        entry: 'seshjs/dynamodb',
        packageName: SDK,
        usedBy: 'dynamoStore(), createSessionTable() and createDynamoClient() send requests with it',
        instead: 'use dynamoSessionStore({ table, call }) to send them yourself',
      },
      cause,
    )
  })
  return sdk
}

let defaultClient: Promise<CreatedDynamoClient> | undefined

function isLoopback(url: string | undefined): boolean {
  if (!url) return false
  try {
    const { hostname } = new URL(url)
    return hostname === 'localhost' || hostname === '[::1]' || /^127\./.test(hostname)
  } catch {
    return false
  }
}

/**
 * The timeouts and retries sesh gives the DynamoDB client it creates. The
 * engine's deadline (`storeTimeout`, 3 s by default) bounds the whole call;
 * these keep each attempt short enough for a retry to fit inside it: a
 * connection must open within 500 ms and an attempt answer within 1 s, and
 * throttling, 5xx answers, resets and timeouts are retried (up to 3 attempts,
 * the SDK's standard mode: exponential backoff with jitter).
 */
export const DYNAMO_CLIENT_DEFAULTS = {
  connectionTimeout: 500,
  requestTimeout: 1000,
  maxAttempts: 3,
} as const

/**
 * A `DynamoDBClient` with sesh's timeouts and retries ({@link DYNAMO_CLIENT_DEFAULTS})
 * under `config`; what {@link dynamoStore} uses when given no client.
 *
 * Resolves once the SDK is loaded (this module does not load it on import).
 *
 * @example
 * ```ts
 * const client = await createDynamoClient({ region: 'eu-west-1' })
 * app.use(sessions({ store: dynamoStore({ table: 'sessions', client }) }))
 * ```
 * @param config the SDK's own configuration (a `DynamoDBClientConfig`), which wins over sesh's defaults
 */
export async function createDynamoClient(config: DynamoClientConfig = {}): Promise<CreatedDynamoClient> {
  const { DynamoDBClient } = await loadSdk()
  const { connectionTimeout, requestTimeout, maxAttempts } = DYNAMO_CLIENT_DEFAULTS
  return new DynamoDBClient({
    maxAttempts,
    retryMode: 'standard',
    requestHandler: { connectionTimeout, requestTimeout, throwOnRequestTimeout: true },
    ...config,
  })
}

/**
 * The default client: `createDynamoClient()`, configured by the SDK's own sources. When the
 * endpoint is a local emulator (`AWS_ENDPOINT_URL_DYNAMODB` or `AWS_ENDPOINT_URL`
 * on loopback) and no region or credentials are set, it uses `us-east-1` and
 * dummy credentials, as Architect's sandbox does, so a local demo needs no AWS account.
 */
function defaultDynamoClient(): Promise<CreatedDynamoClient> {
  if (defaultClient) return defaultClient
  const env: Record<string, string | undefined> = typeof process === 'undefined' ? {} : process.env
  const config: DynamoDBClientConfig = {}
  if (isLoopback(env.AWS_ENDPOINT_URL_DYNAMODB ?? env.AWS_ENDPOINT_URL)) {
    if (!env.AWS_REGION && !env.AWS_DEFAULT_REGION) config.region = 'us-east-1'
    if (!env.AWS_ACCESS_KEY_ID && !env.AWS_PROFILE) {
      config.credentials = { accessKeyId: 'local', secretAccessKey: 'local' }
    }
  }
  defaultClient = createDynamoClient(config)
  defaultClient.catch(() => (defaultClient = undefined))
  return defaultClient
}

/**
 * A {@link DynamoCall} over an SDK-shaped client (the SDK's command classes
 * are loaded on the first call).
 *
 * @param client the client
 */
export function callFor(client: DynamoClient): DynamoCall {
  if (!client || typeof client.send !== 'function') throw new TypeError('dynamoStore: client must have a send() method')
  return async (operation, input, options) => {
    const command = new (await loadSdk())[`${operation}Command`](input)
    return options?.abortSignal ? client.send(command, options) : client.send(command)
  }
}

function lazyCall(client: DynamoClient | undefined): DynamoCall {
  if (client) return callFor(client)
  return async (operation, input, options) => callFor(await defaultDynamoClient())(operation, input, options)
}

/**
 * Sessions in a DynamoDB table. The cookie carries `<id>.<signature>`; the
 * item is `{ _idx, _secret, _ttl, ...data }` with your data as top-level
 * attributes, exactly what `@architect/functions` reads and writes. Reads are
 * strongly consistent; expired items not yet purged by DynamoDB count as
 * absent; an item over 400 KB is a `SessionTooLargeError` before any request;
 * any DynamoDB failure is a `SessionStoreUnavailableError` (503 from the
 * middleware); without `@aws-sdk/client-dynamodb` installed (and no `client`),
 * every call is a `SessionStorePeerMissingError` (500), said once on
 * `console.error`. Last write wins unless you opt into `concurrency: 'optimistic'`.
 *
 * @example
 * ```ts
 * import { sessions } from 'seshjs'
 * import { dynamoStore } from 'seshjs/dynamodb'
 *
 * app.use(sessions({ store: dynamoStore({ table: 'sessions' }) }))
 * ```
 * @param options the table, the client and the concurrency mode
 */
export function dynamoStore(options: DynamoStoreOptions): SessionStore {
  if (options === null || typeof options !== 'object') throw new TypeError('dynamoStore() takes { table, client? }')
  const { client, ...rest } = options
  return dynamoSessionStore({ ...rest, call: lazyCall(client) })
}

/** Options of {@link createSessionTable}. */
export interface CreateSessionTableOptions {
  /** The table name. */
  table: string
  /**
   * The client.
   * @default the same default client as {@link dynamoStore}
   */
  client?: DynamoClient | undefined
  /** Send the requests yourself instead (no AWS SDK): see {@link dynamoSessionStore}. */
  call?: DynamoCall | undefined
  /**
   * How long to wait for a new table (or index) to become active, in milliseconds.
   * @default 60000
   */
  timeoutMs?: number | undefined
  /**
   * Also keep a global secondary index on this session key, so the admin API
   * and `seshjs sessions revoke --user` find a user's sessions with a Query
   * instead of a Scan. The key must hold the user id as a string: DynamoDB
   * refuses to write an item whose indexed attribute has another type.
   * Added to an existing table that lacks it.
   */
  userKey?: string | undefined
}

/**
 * Creates the sessions table (`_idx` String hash key, on-demand billing) and
 * turns DynamoDB TTL on for `_ttl`. Idempotent: an existing table is kept.
 * Resolves with `true` when it created the table.
 *
 * @example
 * ```ts
 * await createSessionTable({ table: 'sessions' })
 * ```
 * @param options the table and the client
 */
export function createSessionTable(options: CreateSessionTableOptions): Promise<boolean> {
  const { client, call, table, timeoutMs, userKey } = options
  return createDynamoTable({
    table,
    call: call ?? lazyCall(client),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(userKey === undefined ? {} : { userKey }),
  })
}
