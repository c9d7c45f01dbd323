/**
 * Errors raised by sesh. Branch on `code`, never on the message text.
 *
 * Messages never contain a cookie, a session id or a secret.
 *
 * @module
 */
import { misconfiguredResponse, unavailableResponse } from './unavailable.js'

/**
 * Every `code` a {@link SessionError} can have (as jose's `JOSEErrorCode`):
 * branch on it, never on the message.
 */
export type SessionErrorCode =
  | 'ERR_SESSION'
  | 'ERR_SESSION_SECRET'
  | 'ERR_SESSION_TOO_LARGE'
  | 'ERR_SESSION_NOT_SERIALIZABLE'
  | 'ERR_SESSION_STORE_UNAVAILABLE'
  | 'ERR_SESSION_STORE_PEER_MISSING'
  | 'ERR_SESSION_CONFLICT'
  | 'ERR_SESSION_SERVER_STORE_REQUIRED'

/** Options accepted by every {@link SessionError}. */
export interface SessionErrorOptions {
  /** The underlying error, if any (a store's network error, for example). */
  cause?: unknown
}

/**
 * Base class of every error sesh raises on purpose. Misuse of the API (a wrong
 * argument type, an unknown option value) is a plain `TypeError` instead.
 *
 * @example
 * ```ts
 * try { session.set('n', 10n) } catch (e) {
 *   if (e instanceof SessionError && e.code === 'ERR_SESSION_NOT_SERIALIZABLE') { ... }
 * }
 * ```
 */
export class SessionError extends Error {
  /** A stable, machine-readable code. */
  static code: SessionErrorCode = 'ERR_SESSION'
  /** A stable, machine-readable code: each subclass narrows it to its own. */
  code: SessionErrorCode = 'ERR_SESSION'

  constructor(message: string, options?: SessionErrorOptions) {
    super(message, options)
    this.name = this.constructor.name
  }
}

/** The secret is missing, too short or otherwise unusable (raised at start-up). */
export class SessionSecretError extends SessionError {
  static override code = 'ERR_SESSION_SECRET' as const
  override code = 'ERR_SESSION_SECRET' as const
}

/** The session will not fit its store: a cookie over 4096 bytes, a DynamoDB item over 400 KB. */
export class SessionTooLargeError extends SessionError {
  static override code = 'ERR_SESSION_TOO_LARGE' as const
  override code = 'ERR_SESSION_TOO_LARGE' as const
  /** The store's limit, in bytes. */
  readonly limit: number
  /** The size the session would have had, in bytes. */
  readonly size: number

  constructor(message: string, limit: number, size: number, options?: SessionErrorOptions) {
    super(message, options)
    this.limit = limit
    this.size = size
  }
}

/** A value cannot round-trip through JSON (BigInt, function, cycle, `undefined`, Date, NaN...). */
export class SessionNotSerializableError extends SessionError {
  static override code = 'ERR_SESSION_NOT_SERIALIZABLE' as const
  override code = 'ERR_SESSION_NOT_SERIALIZABLE' as const
  /** The session key whose value was refused. */
  readonly key: string

  constructor(message: string, key: string, options?: SessionErrorOptions) {
    super(message, options)
    this.key = key
  }
}

/**
 * The store could not be reached or answered with an error. Never read as "no
 * session": the request fails (503 by default) and nothing is overwritten.
 */
export class SessionStoreUnavailableError extends SessionError {
  static override code: 'ERR_SESSION_STORE_UNAVAILABLE' | 'ERR_SESSION_STORE_PEER_MISSING' = 'ERR_SESSION_STORE_UNAVAILABLE'
  /** `ERR_SESSION_STORE_PEER_MISSING` on its subclass {@link SessionStorePeerMissingError}. */
  override code: 'ERR_SESSION_STORE_UNAVAILABLE' | 'ERR_SESSION_STORE_PEER_MISSING' = 'ERR_SESSION_STORE_UNAVAILABLE'

  /**
   * The response for this error: the plain-text `503` with `Retry-After: 5`
   * that the middleware sends by default (a new one each call). Hono's default
   * error handler answers with it instead of logging a stack trace and a 500,
   * as it does for its own `HTTPException`; in your own `app.onError`,
   * `if (err instanceof SessionStoreUnavailableError) return err.getResponse()`.
   *
   * @example
   * ```ts
   * app.onError((err, c) => {
   *   if (err instanceof SessionStoreUnavailableError) return err.getResponse()
   *   console.error(err)
   *   return c.text('Internal Server Error', 500)
   * })
   * ```
   */
  getResponse(): Response {
    return unavailableResponse()
  }
}

/**
 * The store's client library — an optional peer dependency such as
 * `@aws-sdk/client-dynamodb` or `redis` — is not installed (or will not load).
 * A configuration error, not an outage: retrying cannot help. It is a
 * {@link SessionStoreUnavailableError} (nothing is read as "no session",
 * nothing is overwritten), with its own `code`, and its response is a
 * plain-text `500`, not the outage's `503` with `Retry-After`. The message
 * names the package to install; `seshjs/dynamodb` and `seshjs/redis` also
 * print it once to `console.error` at the first failure.
 */
export class SessionStorePeerMissingError extends SessionStoreUnavailableError {
  static override code = 'ERR_SESSION_STORE_PEER_MISSING' as const
  override code = 'ERR_SESSION_STORE_PEER_MISSING' as const
  /** The package to install, e.g. `@aws-sdk/client-dynamodb`. */
  readonly packageName: string

  constructor(message: string, packageName: string, options?: SessionErrorOptions) {
    super(message, options)
    this.packageName = packageName
  }

  /**
   * The response for this error: a plain-text `500` saying that sessions are
   * not set up on this server (the package's name stays in the server's log),
   * what the middleware sends by default.
   */
  override getResponse(): Response {
    return misconfiguredResponse()
  }
}

/** Another request changed the session since it was read (optimistic concurrency). */
export class SessionConflictError extends SessionError {
  static override code = 'ERR_SESSION_CONFLICT' as const
  override code = 'ERR_SESSION_CONFLICT' as const
}

/**
 * The operation needs a server-side store (memory, DynamoDB, Redis, KV, your own):
 * the cookie store keeps nothing on a server, so a session cannot be read,
 * saved or deleted by id — for example from a WebSocket message, which can set
 * no cookie.
 */
export class SessionServerStoreRequiredError extends SessionError {
  static override code = 'ERR_SESSION_SERVER_STORE_REQUIRED' as const
  override code = 'ERR_SESSION_SERVER_STORE_REQUIRED' as const
}

/**
 * Any error sesh raises on purpose, as a union: narrowing on `code` gives the
 * class and its fields.
 *
 * @example
 * ```ts
 * function describe(error: AnySessionError): string {
 *   switch (error.code) {
 *     case 'ERR_SESSION_TOO_LARGE': return `over ${error.limit} bytes`
 *     case 'ERR_SESSION_NOT_SERIALIZABLE': return `key ${error.key}`
 *     default: return error.message
 *   }
 * }
 * ```
 */
export type AnySessionError =
  | SessionSecretError
  | SessionTooLargeError
  | SessionNotSerializableError
  | SessionStoreUnavailableError
  | SessionStorePeerMissingError
  | SessionConflictError
  | SessionServerStoreRequiredError
