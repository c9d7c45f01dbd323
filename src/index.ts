/**
 * sesh: sessions for any Fetch-API handler, and Hono middleware.
 *
 * @module
 */
export { sessions, type SessionEnv, type SessionMiddlewareOptions } from './hono.js'
export { createSessions, type Sessions, type SessionsById, type SavedCookie } from './sessions.js'
export { withSession, type WithSessionOptions } from './with-session.js'
export { Session, type SessionInfo, type SessionKey, type SessionValue } from './session.js'
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
export { cookieStore } from './stores/cookie.js'
export { memoryStore, type MemoryStoreOptions } from './stores/memory.js'
export type { ConcurrencyOptions, MergeFunction } from './stores/concurrency.js'
export { serverStore } from './stores/server.js'
export type {
  SessionStore,
  SessionRecord,
  SessionData,
  StoreContext,
  ReadResult,
  RecordKeeper,
  StoredRecord,
  WriteOptions,
  SetOptions,
  ListedRecord,
  ListOptions,
  RecordPage,
} from './stores/store.js'
export { storeUnavailableResponse, type StoreErrorHandler } from './unavailable.js'
export type { JsonValue } from './json.js'
export { SocketSession, SESSION_ENDED_CLOSE_CODE } from './socket.js'
export { sessionSocket, type SessionSocketHandlers, type SessionSocketOptions } from './websocket.js'
