/**
 * sesh: sessions for any Fetch-API handler, and Hono middleware.
 *
 * @module
 */
export { sessions, type SessionEnv, type SessionMiddlewareOptions } from './hono/middleware.js'
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
export type { ContentEncryption, CryptoChoice, CryptoProvider, JweCipher, IdSigner, Keyring, Opened } from './crypto/keyring.js'
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
} from './errors.js'
export { cookieStore, type CookieStoreOptions } from './stores/cookie/index.js'
export { memoryStore, type MemoryStoreOptions } from './stores/memory/index.js'
export type { ConcurrencyOptions, MergeFunction } from './stores/concurrency.js'
export { serverStore } from './stores/server.js'
export type {
  SessionStore,
  SessionRecord,
  SessionData,
  StoreContext,
  ReadResult,
  CookieChunks,
  RecordKeeper,
  StoredRecord,
  WriteOptions,
  SetOptions,
  SessionMoveOptions,
  MoveOptions,
  KeeperCallOptions,
  ListedRecord,
  ListOptions,
  RecordPage,
} from './stores/contract.js'
export { MOVED, RESERVED_KEYS } from './stores/contract.js'
export { storeUnavailableResponse, type StoreErrorHandler } from './unavailable.js'
export type { JsonValue } from './json.js'
export { SocketSession, SESSION_ENDED_CLOSE_CODE, SOCKET_QUEUE_FULL_CLOSE_CODE } from './hono/socket-session.js'
export { DEFAULT_MAX_QUEUED_MESSAGES, sessionSocket, type SessionSocketHandlers, type SessionSocketOptions } from './hono/websocket.js'
export { webSocketOrigins, type AllowedOrigins, type OriginCheck } from './hono/origin.js'
// The store and admin modules are web-standard core code; their subpaths
// (`seshjs/dynamodb`, `seshjs/kv`, `seshjs/redis`, `seshjs/admin`) re-export them from here, so
// adapters reach the core only through this entry.
export {
  dynamoSessionStore,
  createTable as createDynamoTable,
  userIndexName,
  type DynamoSessionStoreOptions,
  type CreateTableOptions as CreateDynamoTableOptions,
  type DynamoCall,
  type DynamoOperation,
} from './stores/dynamodb/core.js'
export { kvStore, type KVNamespaceLike, type KvStoreOptions } from './stores/kv/store.js'
export {
  redisSessionStore,
  REDIS_VALUE_LIMIT,
  type RedisSessionStoreOptions,
  type RedisConnection,
  type RedisSendOptions,
} from './stores/redis/core.js'
export {
  createAdmin,
  isSessionId,
  type AdminOptions,
  type ListSessionsOptions,
  type RevokeUserOptions,
  type SessionAdmin,
  type SessionPage,
  type SessionSummary,
} from './admin/core.js'
