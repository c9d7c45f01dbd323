/**
 * `seshjs/redis`: sessions in Redis (a single server or a cluster), over the
 * client you already have — node-redis (`redis`) or ioredis — or one sesh
 * creates from a URL.
 *
 * Importing this module never loads a Redis client. `redisStore({ url })` and
 * `createRedisClient()` load `redis` (node-redis, an optional peer dependency)
 * when they first need it; `redisStore({ client })` never loads anything.
 *
 * Why node-redis is the client sesh creates and documents: it is the client
 * the Redis project maintains, and it can drop a command the moment the
 * request that sent it gives up (a per-command `AbortSignal`) and cap its
 * queue (`commandsQueueMaxLength`), so a Redis that is down or hung never
 * piles up work in the app. ioredis has neither; it works as well, with the
 * options in docs/stores.md.
 *
 * @module
 */
import type { RedisClientOptions, RedisClientType } from 'redis'
import type { SessionStore } from '../contract.js'
import { peerMissing } from '../peer.js'
import type { RedisConnection, RedisSendOptions } from './connection.js'
import { redisSessionStore, type RedisSessionStoreOptions } from './store.js'

export type { ConcurrencyOptions, MergeFunction } from '../concurrency.js'
export { redisSessionStore, REDIS_VALUE_LIMIT, type RedisSessionStoreOptions } from './store.js'
export type { RedisConnection, RedisSendOptions } from './connection.js'

/** A node-redis client (`createClient()` from `redis`), connected. */
export interface NodeRedisClientLike {
  /** Sends a raw command; sesh passes `{ abortSignal }` so a command abandoned at the deadline leaves the queue. */
  sendCommand(args: string[], options?: { abortSignal?: AbortSignal }): Promise<unknown>
}

/** A node-redis cluster client (`createCluster()` from `redis`), connected. */
export interface NodeRedisClusterLike {
  /** Sends a raw command to the primary holding `firstKey`. */
  sendCommand(
    firstKey: string | undefined,
    isReadonly: boolean | undefined,
    args: string[],
    options?: { abortSignal?: AbortSignal },
  ): Promise<unknown>
  /** The primaries, for listings (SCAN runs on each). */
  readonly masters: readonly { readonly address: string }[]
  /** The client of one node. */
  nodeClient(node: any): Promise<NodeRedisClientLike> | NodeRedisClientLike
}

/** An ioredis client: `new Redis()` or `new Cluster()`. */
export interface IoRedisLike {
  /** Sends a raw command (ioredis routes it by its key on a cluster). */
  call(command: string, args: (string | number)[]): Promise<unknown>
  /** `true` on an ioredis `Cluster`. */
  readonly isCluster?: boolean
  /** A cluster's node clients, for listings. */
  nodes?(role: 'master'): IoRedisLike[]
  /** The client's options: a cluster's node clients have `host` and `port`, which order listings. */
  readonly options?: object
}

/** Any client {@link redisStore} takes. */
export type RedisClientLike = NodeRedisClientLike | NodeRedisClusterLike | IoRedisLike | RedisConnection

/** Options of {@link redisStore}. */
export interface RedisStoreOptions extends Omit<RedisSessionStoreOptions, 'connection'> {
  /**
   * Your client: node-redis (`createClient()` or `createCluster()`, connected),
   * ioredis (`new Redis()` or `new Cluster()`), or a {@link RedisConnection}.
   * Give it an `'error'` listener (node-redis and ioredis emit one per lost
   * connection) and see docs/stores.md for the options that keep it from
   * queueing without bound while Redis is away.
   */
  client?: RedisClientLike | undefined
  /**
   * Without `client`: the server's URL (`redis://[[user]:password@]host[:port][/db]`,
   * `rediss://` for TLS), for a node-redis client sesh creates on the first
   * request with {@link REDIS_CLIENT_DEFAULTS}.
   * @default 'redis://localhost:6379'
   */
  url?: string | undefined
}

// Not a string literal in import(), so that bundlers leave the client out of an app that passes its own.
const CLIENT = 'redis'
type NodeRedis = { createClient: (options?: RedisClientOptions) => RedisClientType }
let nodeRedis: Promise<NodeRedis> | undefined

function loadNodeRedis(): Promise<NodeRedis> {
  nodeRedis ??= (import(CLIENT) as Promise<NodeRedis>).catch((cause: unknown) => {
    nodeRedis = undefined
    throw peerMissing(
      {
        entry: 'seshjs/redis',
        packageName: CLIENT,
        usedBy: 'redisStore({ url }) and createRedisClient() connect with it (node-redis)',
        instead: 'pass your own client: redisStore({ client })',
      },
      cause,
    )
  })
  return nodeRedis
}

/**
 * What sesh gives the node-redis client it creates. The engine's deadline
 * (`storeTimeout`, 3 s by default) bounds every call and aborts the command,
 * which then leaves the client's queue; on top of that, at most 1000 commands
 * wait at once (a hung Redis makes further ones fail at once, a 503, instead
 * of piling up), and a connection attempt gives up after 1 s and is retried
 * with node-redis's backoff (up to 2 s apart, forever): once Redis is back,
 * sessions are too, without a restart.
 */
export const REDIS_CLIENT_DEFAULTS = {
  commandsQueueMaxLength: 1000,
  socket: { connectTimeout: 1000 },
} as const

/**
 * A node-redis client with {@link REDIS_CLIENT_DEFAULTS} under `options`,
 * connecting (in the background: commands sent meanwhile wait, within their
 * deadline), with an `'error'` listener so a lost connection never ends the
 * process. What {@link redisStore} creates from a `url`. Yours to close
 * (`client.close()`) when the app stops.
 *
 * @example
 * ```ts
 * const client = await createRedisClient({ url: 'redis://127.0.0.1:6379' })
 * app.use(sessions({ store: redisStore({ client }) }))
 * ```
 * @param options node-redis's own options, which win over sesh's defaults
 */
export async function createRedisClient(options: RedisClientOptions = {}): Promise<RedisClientType> {
  const { createClient } = await loadNodeRedis()
  const client = createClient({
    ...REDIS_CLIENT_DEFAULTS,
    ...options,
    socket: { ...REDIS_CLIENT_DEFAULTS.socket, ...options.socket } as RedisClientOptions['socket'],
  })
  // Errors reach each request as a SessionStoreUnavailableError (a 503); the event itself needs a
  // listener only so that Node does not treat it as unhandled and end the process. sesh never logs.
  client.on('error', () => {})
  client.connect().catch(() => {}) // retried by the client until it connects
  return client
}

function addressOf(client: IoRedisLike): string {
  const { host, port } = (client.options ?? {}) as { host?: unknown; port?: unknown }
  return `${String(host)}:${String(port)}`
}

/**
 * A {@link RedisConnection} over a node-redis or ioredis client (a single
 * server or a cluster); a `RedisConnection` is returned as it is.
 *
 * @param client the client
 */
export function redisConnection(client: RedisClientLike): RedisConnection {
  if (client === null || typeof client !== 'object') throw new TypeError('redisStore: client must be a node-redis or ioredis client')
  if (typeof (client as RedisConnection).send === 'function') return client as RedisConnection
  if (typeof (client as IoRedisLike).call === 'function') {
    const io = client as IoRedisLike
    const connection: RedisConnection = { send: ([name, ...args]) => io.call(name!, args) }
    if (io.isCluster === true && typeof io.nodes === 'function') {
      const nodes = io.nodes.bind(io)
      connection.primaries = async () =>
        nodes('master')
          .slice()
          .sort((a, b) => addressOf(a).localeCompare(addressOf(b)))
          .map(redisConnection)
    }
    return connection
  }
  if (typeof (client as NodeRedisClusterLike).sendCommand === 'function' && Array.isArray((client as NodeRedisClusterLike).masters)) {
    const cluster = client as NodeRedisClusterLike
    return {
      send: (command, { key, signal }: RedisSendOptions) =>
        cluster.sendCommand(key, false, command, signal ? { abortSignal: signal } : undefined),
      async primaries() {
        const masters = [...cluster.masters].sort((a, b) => a.address.localeCompare(b.address))
        return Promise.all(masters.map(async (master) => redisConnection(await cluster.nodeClient(master))))
      },
    }
  }
  if (typeof (client as NodeRedisClientLike).sendCommand === 'function') {
    const single = client as NodeRedisClientLike
    return { send: (command, { signal }) => (signal ? single.sendCommand(command, { abortSignal: signal }) : single.sendCommand(command)) }
  }
  throw new TypeError('redisStore: client must be a node-redis or ioredis client (with sendCommand() or call())')
}

/** The connection over the client sesh creates from `url`, made on the first command. */
function lazyConnection(url: string | undefined): RedisConnection {
  let connection: Promise<RedisConnection> | undefined
  return {
    async send(command, options) {
      connection ??= createRedisClient(url === undefined ? {} : { url }).then(redisConnection, (error: unknown) => {
        connection = undefined
        throw error
      })
      return (await connection).send(command, options)
    },
  }
}

/**
 * Sessions in Redis. The cookie carries `<id>.<signature>`; each session is a
 * hash under `session:<id>` (`data` as JSON, `expiresAt`) whose key expires
 * with the session. A renewal moves only the expiry; a rewrite of a session
 * that was revoked meanwhile writes nothing; any Redis failure is a
 * `SessionStoreUnavailableError` (503 from the middleware); without `redis`
 * installed (and no `client`), every call is a `SessionStorePeerMissingError`
 * (500), said once on `console.error`. Last write wins
 * unless you opt into `concurrency: 'optimistic'`.
 *
 * @example
 * ```ts
 * import { sessions } from 'seshjs'
 * import { redisStore } from 'seshjs/redis'
 *
 * app.use(sessions({ store: redisStore({ url: process.env.REDIS_URL }) }))
 * ```
 * @param options the client (or a URL), the key prefix, the per-user index and the concurrency mode
 */
export function redisStore(options: RedisStoreOptions = {}): SessionStore {
  if (options === null || typeof options !== 'object') throw new TypeError('redisStore() takes { client } or { url }')
  const { client, url, ...rest } = options
  if (client !== undefined && url !== undefined) throw new TypeError('redisStore: give a client or a url, not both')
  if (url !== undefined && typeof url !== 'string') throw new TypeError('redisStore: url must be a string')
  return redisSessionStore({ ...rest, connection: client === undefined ? lazyConnection(url) : redisConnection(client) })
}
