/**
 * The one thing the Redis store needs from a client: send a command, get
 * Redis's reply. node-redis, ioredis (single servers and clusters) and a test
 * double all fit in a few lines (`seshjs/redis` has the adapters).
 *
 * @module
 */
import { SessionStorePeerMissingError, SessionStoreUnavailableError } from '../../errors.js'

/** What a {@link RedisConnection} call gets besides the command. */
export interface RedisSendOptions {
  /** The key the command works on: routes it to the node that holds the key's slot on a cluster. */
  key?: string | undefined
  /**
   * Aborted when the store call's deadline (`storeTimeout`) has passed: a
   * client that can (node-redis's `abortSignal`) drops the command if it is
   * still queued, so nothing piles up while Redis is away.
   */
  signal?: AbortSignal | undefined
}

/**
 * Sends Redis commands. `send` resolves with the reply as the client decodes
 * it (bulk strings as strings, integers as numbers, nil as `null`, arrays as
 * arrays) and rejects on an error reply (its message starting with Redis's
 * error code, `NOSCRIPT ...`) or a failure.
 */
export interface RedisConnection {
  /** Sends one command: its name and arguments. */
  send(command: string[], options: RedisSendOptions): Promise<unknown>
  /**
   * On a cluster, a connection to each primary node in a stable order:
   * listings SCAN every one. Omit it for a single server.
   */
  primaries?(): Promise<RedisConnection[]>
}

/**
 * The error reply's code (`NOSCRIPT`, `WRONGTYPE`, `LOADING`...), when `error` is one.
 *
 * @param error anything a {@link RedisConnection} rejected with
 */
export function replyCode(error: unknown): string | undefined {
  const message = (error as { message?: unknown } | null)?.message
  return typeof message === 'string' ? /^([A-Z]+) /.exec(message)?.[1] : undefined
}

/**
 * Sends a command, turning any failure into a {@link SessionStoreUnavailableError}
 * carrying the cause (a {@link SessionStorePeerMissingError} passes through as it is). `expected` names error codes the caller handles itself.
 *
 * @param connection the connection
 * @param command the command
 * @param options routing and the deadline's signal
 * @param expected error reply codes passed through unchanged
 */
export async function send(
  connection: RedisConnection,
  command: string[],
  options: RedisSendOptions,
  expected: readonly string[] = [],
): Promise<unknown> {
  try {
    return await connection.send(command, options)
  } catch (error) {
    if (error instanceof SessionStorePeerMissingError) throw error // a missing client library: said as it is, not as an outage
    const code = replyCode(error)
    if (code !== undefined && expected.includes(code)) throw error
    const name = (error as { name?: unknown } | null)?.name
    const detail = code ?? (typeof name === 'string' && name !== 'Error' ? name : undefined) // ReplyError, TimeoutError...
    throw new SessionStoreUnavailableError(`Redis ${command[0]} failed${detail ? ` (${detail})` : ''}.`, { cause: error })
  }
}

/** A Lua script, sent by its SHA1 (EVALSHA) and by its text when the server does not know it yet. */
export class Script {
  readonly source: string
  #sha: Promise<string> | undefined

  constructor(source: string) {
    this.source = source
  }

  /** The script's SHA1, in hex (computed once, with WebCrypto). */
  sha(): Promise<string> {
    this.#sha ??= crypto.subtle
      .digest('SHA-1', new TextEncoder().encode(this.source))
      .then((digest) => Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join(''))
    return this.#sha
  }

  /**
   * Runs the script on the node of its one key: EVALSHA, then EVAL when the
   * server answers NOSCRIPT (after a restart, a failover, on a new cluster node).
   *
   * @param connection the connection
   * @param key the one key the script touches (scripts never span hash slots)
   * @param args the script's ARGV
   * @param signal the deadline's signal
   */
  async run(connection: RedisConnection, key: string, args: string[], signal: AbortSignal | undefined): Promise<unknown> {
    const options = { key, signal }
    try {
      return await send(connection, ['EVALSHA', await this.sha(), '1', key, ...args], options, ['NOSCRIPT'])
    } catch (error) {
      if (replyCode(error) !== 'NOSCRIPT') throw error
      return send(connection, ['EVAL', this.source, '1', key, ...args], options)
    }
  }
}
