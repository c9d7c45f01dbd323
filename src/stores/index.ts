/**
 * `seshjs/store`: the contract for writing a store of your own. A store keeps
 * records; the engine owns ids, signing, sealing, expiry and cookies.
 * {@link serverStore} turns a {@link RecordKeeper} (get, set, delete by id)
 * into a {@link SessionStore} that signs ids and keeps every promise of sesh's
 * own server stores; docs/stores.md walks through one.
 *
 * @module
 */
export { serverStore } from './server.js'
export { MOVED } from './contract.js'
export { isSessionId } from './listing.js'
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
} from './contract.js'
export type { ConcurrencyOptions, MergeFunction } from './concurrency.js'
