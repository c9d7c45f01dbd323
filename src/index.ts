/**
 * sesh: sessions for any Fetch-API handler, and Hono middleware.
 *
 * @module
 */
export { sessions, type SessionEnv, type SessionMiddlewareOptions } from './hono.js'
export { createSessions, type Sessions, type SessionsById, type SavedCookie, type CookieHeaderSource } from './sessions.js'
export { withSession, type WithSessionOptions } from './with-session.js'
export { Session, RESERVED_KEYS, type SessionInfo, type SessionKey, type SessionValue } from './session.js'
export {
  resolveConfig,
  isSessionConfig,
  sessionTableName,
  type SessionConfig,
  type SessionOptions,
  type SessionCookieOptions,
  type CookieAttributes,
  type SameSite,
} from './options.js'
export type { ContentEncryption, CryptoChoice, CryptoProvider, JweCipher, IdSigner, Keyring, Opened } from './crypto.js'
export {
  SessionError,
  SessionSecretError,
  SessionTooLargeError,
  SessionNotSerializableError,
  SessionStoreUnavailableError,
  SessionConflictError,
  SessionServerStoreRequiredError,
  type SessionErrorOptions,
} from './errors.js'
export { cookieStore, type CookieStoreOptions } from './stores/cookie.js'
export { memoryStore, type MemoryStoreOptions } from './stores/memory.js'
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
} from './stores/store.js'
export { MOVED } from './stores/store.js'
export { storeUnavailableResponse, type StoreErrorHandler } from './unavailable.js'
export type { JsonValue } from './json.js'
export { SocketSession, SESSION_ENDED_CLOSE_CODE } from './socket.js'
export { sessionSocket, type SessionSocketHandlers, type SessionSocketOptions } from './websocket.js'
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
} from './stores/dynamodb/index.js'
export { kvStore, type KVNamespaceLike, type KvStoreOptions } from './stores/kv.js'
export {
  redisSessionStore,
  REDIS_VALUE_LIMIT,
  type RedisSessionStoreOptions,
  type RedisConnection,
  type RedisSendOptions,
} from './stores/redis/index.js'
export {
  createAdmin,
  type AdminOptions,
  type ListSessionsOptions,
  type RevokeUserOptions,
  type SessionAdmin,
  type SessionPage,
  type SessionSummary,
} from './admin/index.js'
