/**
 * sesh: sessions for any Fetch-API handler, and Hono middleware — the app's API.
 *
 * The engine, the Hono middleware and its WebSocket helper, `withSession`, the
 * errors, and the two embedded stores (`cookieStore`, `memoryStore`). Other
 * stores and the admin API have their own entries (`seshjs/dynamodb`,
 * `seshjs/redis`, `seshjs/kv`, `seshjs/admin`); the contracts for writing a
 * store or a crypto provider are `seshjs/store` and `seshjs/crypto`.
 *
 * @module
 */
export { sessions, type SessionEnv, type SessionMiddlewareOptions } from './hono/middleware.js'
export { DEFAULT_MAX_QUEUED_MESSAGES, sessionSocket, type SessionSocketHandlers, type SessionSocketOptions } from './hono/websocket.js'
export { SocketSession, SESSION_ENDED_CLOSE_CODE, SOCKET_QUEUE_FULL_CLOSE_CODE } from './hono/socket-session.js'
export { webSocketOrigins, type AllowedOrigins, type OriginCheck } from './hono/origin.js'
export { createSessions, type Sessions, type SessionsById, type SavedCookie, type CookieHeaderSource } from './engine/engine.js'
export { withSession, type WithSessionOptions } from './engine/with-session.js'
export { Session, type SessionInfo, type SessionKey, type SessionValue } from './engine/session.js'
export {
  resolveConfig,
  isSessionConfig,
  sessionTableName,
  type SessionConfig,
  type SessionOptions,
  type SessionCookieOptions,
} from './engine/options.js'
export type { CookieAttributes, SameSite } from './cookie/cookie.js'
export {
  SessionError,
  SessionSecretError,
  SessionTooLargeError,
  SessionNotSerializableError,
  SessionStoreUnavailableError,
  SessionStorePeerMissingError,
  SessionConflictError,
  SessionServerStoreRequiredError,
  type SessionErrorOptions,
  type SessionErrorCode,
  type AnySessionError,
} from './errors.js'
export { storeUnavailableResponse, type StoreErrorHandler } from './unavailable.js'
export { cookieStore, type CookieStoreOptions } from './stores/cookie/index.js'
export { memoryStore, type MemoryStoreOptions } from './stores/memory/index.js'
export { RESERVED_KEYS, type SessionData, type SessionStore } from './stores/contract.js'
export type { ConcurrencyOptions, MergeFunction } from './stores/concurrency.js'
export type { ContentEncryption, CryptoChoice } from './crypto/keyring.js'
export type { JsonValue } from './json.js'
