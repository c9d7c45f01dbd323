/**
 * sesh: sessions for any Fetch-API handler, and Hono middleware.
 *
 * @module
 */
export { sessions, type SessionEnv, type SessionMiddlewareOptions } from './hono.js'
export { createSessions, type Sessions } from './sessions.js'
export { withSession, type WithSessionOptions } from './with-session.js'
export { Session } from './session.js'
export { sessionTableName, type SessionOptions, type SessionCookieOptions, type SameSite } from './options.js'
export type { ContentEncryption } from './crypto.js'
export {
  SessionError,
  SessionSecretError,
  SessionTooLargeError,
  SessionNotSerializableError,
  SessionStoreUnavailableError,
  SessionConflictError,
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
  ListedRecord,
  ListOptions,
  RecordPage,
} from './stores/store.js'
export { storeUnavailableResponse, type StoreErrorHandler } from './unavailable.js'
export type { JsonValue } from './json.js'
