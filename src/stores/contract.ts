/**
 * The store contract. The engine owns ids, signing, sealing, expiry and cookies;
 * a store only keeps records. Two levels:
 *
 * - {@link SessionStore}: what the engine talks to — cookie value in, record out,
 *   and back. The cookie store implements it directly (its record is the sealed
 *   cookie itself).
 * - {@link RecordKeeper}: records by id with an expiry, for server-side stores
 *   (memory, DynamoDB, Redis, KV, your own). {@link serverStore} turns one into a
 *   `SessionStore` by adding the signed-id cookie.
 *
 * @module
 */
import type { CookieChunks } from '../cookie/chunks.js'
import type { Keyring } from '../crypto/keyring.js'

export type { CookieChunks }

/** Session data: a JSON object. */
export type SessionData = Record<string, unknown>

/** The data key under which flash values travel to the next request (a store sees them in {@link SessionRecord.data}). */
export const FLASH_KEY = '__flash'

/**
 * Keys sesh or Architect keep for themselves (record attributes of the stores,
 * the cookie store's `iat`, flash values); `set()` and `replace()` refuse them.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set([
  'iat',
  '_idx',
  '_secret',
  '_ttl',
  '_created',
  '_version',
  FLASH_KEY,
  '__life',
  '__auth',
  '__meta',
])

/**
 * The data key holding a session's own lifetime (`session.setLifetime()`):
 * `{ ttl?, maxAge?, persistent? }`. Present only in sessions that set one, so
 * every other record (and Architect's cookie payload, data + `iat`) is unchanged.
 */
export const LIFE_KEY = '__life'
/** The data key holding when the session was last authenticated (`regenerate()`), epoch seconds; present only after one. */
export const AUTH_KEY = '__auth'
/** The data key holding what the engine's `meta(request)` recorded; present only with that option. */
export const META_KEY = '__meta'

/** A session's own lifetime, as `session.setLifetime()` stores it. */
export interface SessionLifetime {
  /** Idle lifetime in seconds, instead of the engine's `ttl`. */
  readonly ttl?: number
  /** Absolute lifetime in seconds from creation, instead of the engine's `maxAge`. */
  readonly maxAge?: number
  /** `false`: a browser-session cookie (no `Max-Age`/`Expires`); the record keeps its server-side expiry. */
  readonly persistent?: boolean
}

const positive = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value > 0

/**
 * The lifetime stored under {@link LIFE_KEY} in `data`, if it is a well-formed one.
 *
 * @param data session data as stored
 */
export function lifetimeOf(data: SessionData): SessionLifetime | undefined {
  const life = data[LIFE_KEY]
  if (life === undefined || life === null || typeof life !== 'object' || Array.isArray(life)) return undefined
  const { ttl, maxAge, persistent } = life as Record<string, unknown>
  const out: { ttl?: number; maxAge?: number; persistent?: boolean } = {}
  if (positive(ttl)) out.ttl = ttl
  if (positive(maxAge)) out.maxAge = maxAge
  if (persistent === false) out.persistent = false
  return out
}

/** What the engine knows about a stored session. */
export interface SessionRecord {
  /** The session id; `undefined` for stateless stores (the cookie store). */
  id?: string
  /** The user's data (plus internal flash entries). */
  data: SessionData
  /** When the session was last written, in epoch seconds; idle expiry counts from here. */
  issuedAt: number
  /** When the session was created, in epoch seconds; only kept when an absolute `maxAge` is configured. */
  createdAt?: number
  /** Store-private attributes carried from a read to the next write (e.g. DynamoDB's `_secret`, a version). */
  extra?: Record<string, unknown>
}

/** What the engine hands to every store call. */
export interface StoreContext {
  /** The keys made from the configured secrets. */
  keyring: Keyring
  /** Now, in epoch seconds (from the injectable clock). */
  now: number
  /** The idle lifetime in seconds. */
  ttl: number
  /**
   * Aborted when the call's deadline (`storeTimeout`) has passed and the
   * engine has given up on it: pass it to clients that take one (the AWS
   * SDK's `send(command, { abortSignal })`, `fetch`). Made when first read
   * (a getter, so a store that never needs it never pays for it): read it as
   * `context.signal` or by destructuring; a spread copy (`{ ...context }`)
   * leaves it out.
   */
  signal?: AbortSignal
}

/** What a {@link RecordKeeper} call gets besides its arguments. */
export interface KeeperCallOptions {
  /** Aborted when the call's deadline has passed (see {@link StoreContext.signal}). */
  signal?: AbortSignal
  /**
   * `get` only: a keeper that leaves forwards ({@link RecordKeeper.move})
   * returns a forward it finds as a record with `moved: true` (and no data)
   * instead of `undefined`. Without it (listings, the admin API), a forward is
   * no record.
   */
  forwards?: boolean
}

/**
 * What {@link SessionStore.write} and {@link SessionStore.move} return when
 * the session's id was moved to a new one (a `regenerate()` of another
 * request landed first): nothing was written, and the engine sends no cookie
 * at all — neither the new id (which a request holding the old one must never
 * learn) nor an expiry (which would log the visitor out of the new session).
 */
export const MOVED: unique symbol = Symbol('sesh.moved')

/** A record read from a cookie value. */
export interface ReadResult {
  /** The record. */
  record: SessionRecord
  /** Which key opened or verified the cookie: anything but 0 asks for a rewrite with the newest key. */
  keyIndex: number
  /**
   * The cookie names an id that was moved to a new one within the grace
   * window (`regenerateGrace`): `record` holds no data, and the engine gives
   * the request an empty, read-only session that writes nothing and sends no cookie.
   */
  moved?: true
}

/**
 * A session store as the engine sees it. Implementations never touch headers.
 *
 * - `read` returns `undefined` for a cookie that names no live session
 *   (tampered, foreign, unknown id) and **throws** {@link SessionStoreUnavailableError}
 *   when the store itself fails: an outage is never "no session".
 */
export interface SessionStore {
  /** `true` when the store keeps no ids (the cookie store): the engine then makes none. */
  readonly stateless?: boolean
  /**
   * `true` when the store answers every call inside the process, with no I/O that
   * could hang (the memory store): the engine then puts no `storeTimeout` deadline
   * on its calls (and `context.signal` is never set). {@link serverStore} copies it
   * from its {@link RecordKeeper}.
   */
  readonly local?: boolean
  /**
   * Stateless stores only: a cookie value too big for one cookie may be split
   * over several (`_idx`, `_idx.1`, …) within these limits. The engine reads
   * and writes the chunks; `cookieStore({ chunks })` sets it. Absent: one cookie.
   */
  readonly chunks?: CookieChunks
  /**
   * The {@link RecordKeeper} behind a server-side store ({@link serverStore}
   * sets it), for out-of-band work: the admin API lists, counts and finds a
   * user's sessions through it. Never used on the request path.
   */
  readonly records?: RecordKeeper
  /** Reads the session a cookie value names. */
  read(cookieValue: string, context: StoreContext): Promise<ReadResult | undefined>
  /**
   * Persists `record` and returns the cookie value that names it. With
   * `update: true` the engine is rewriting a session it read under the same id:
   * a store that can makes the write conditional on the record still existing,
   * and returns `undefined` (writing nothing) when it is gone — revoked,
   * destroyed or expired meanwhile — so a request in flight never brings a
   * session back.
   */
  write(record: SessionRecord, context: StoreContext, options?: WriteOptions): Promise<string | undefined | typeof MOVED>
  /**
   * Optional (server stores; {@link serverStore} always has it): writes
   * `record` under its new id only while `options.from` (the record as this
   * request read it) is still live, and ends the old id, leaving a forward
   * there for `options.grace` seconds. Returns the new cookie value;
   * `undefined` (writing nothing) when the old session is gone — revoked,
   * destroyed or expired meanwhile; {@link MOVED} when another request moved
   * it first. Without it, the engine writes the new record and deletes the old.
   */
  move?(record: SessionRecord, context: StoreContext, options: SessionMoveOptions): Promise<string | undefined | typeof MOVED>
  /**
   * Optional (server stores): an id for a new session, or for a session
   * moving from `from` (a `regenerate()`); must have the shape and entropy of
   * `randomId()`. A store whose atomic move needs both ids in one place
   * (Durable Objects: one object per shard of ids) draws one there. Without
   * it, the engine uses `randomId()`. {@link serverStore} copies it from its
   * {@link RecordKeeper}.
   */
  newId?(from?: string): string
  /** Forgets `record` (its id). A stateless store has nothing to forget. */
  delete(record: SessionRecord, context: StoreContext): Promise<void>
  /**
   * Optional: renews an unchanged session (its `issuedAt` is now) without
   * rewriting its data, so a read-only request can never write stale data over
   * a concurrent request's write. Returns the cookie value, or `undefined` when
   * the session is gone meanwhile (it is not brought back). Without it, the
   * engine renews with `write`.
   */
  touch?(record: SessionRecord, context: StoreContext): Promise<string | undefined>
  /**
   * Server stores only: the live record with this id, or `undefined`. No
   * signature is checked — this is the by-id door (`engine.byId`), never
   * reachable from a request.
   */
  get?(id: string, context: StoreContext): Promise<SessionRecord | undefined>
  /** Server stores only: the cookie value that names `id` (`<id>.<signature>`). */
  cookieValue?(id: string, context: StoreContext): Promise<string>
}

/** Options of {@link SessionStore.write}. */
export interface WriteOptions {
  /** The session was read under this id: write only if it still exists. */
  update?: boolean
}

/** Options of {@link SessionStore.move}. */
export interface SessionMoveOptions {
  /** The session as this request read it, under its old id. */
  from: SessionRecord
  /** How long, in seconds, the old id is remembered as moved (0: not at all). */
  grace: number
}

/** Options of {@link RecordKeeper.move}. */
export interface MoveOptions extends KeeperCallOptions {
  /**
   * Leave a forward at the old id until then (epoch seconds): a record that
   * holds no data and says only "moved", which `get` with `forwards` returns
   * as `{ moved: true }` and every other read treats as no record. No forward
   * when it is not after `now`.
   */
  forwardUntil: number
  /**
   * The old record's `extra`, as this request read it: a keeper with
   * optimistic concurrency moves only that version, and throws a
   * `SessionConflictError` when the live record has another.
   */
  fromExtra?: Record<string, unknown> | undefined
}

/** Options of {@link RecordKeeper.set}. */
export interface SetOptions extends KeeperCallOptions {
  /** Write only if a live record for the id exists; return `false` (writing nothing) otherwise. */
  mustExist?: boolean
}

/** A record as a {@link RecordKeeper} keeps it. */
export interface StoredRecord {
  /** The user's data. */
  data: SessionData
  /** When the record expires, in epoch seconds. */
  expiresAt: number
  /** When the session was created, in epoch seconds, if tracked. */
  createdAt?: number
  /** Store-private attributes, returned as they were given. */
  extra?: Record<string, unknown>
  /** A forward left by {@link RecordKeeper.move} (only with `forwards`): the id was moved; `data` is empty. */
  moved?: true
}

/**
 * Keeps records by id with an expiry. Implement this to add a server-side store
 * (see {@link serverStore}). Every method throws {@link SessionStoreUnavailableError}
 * when the backing service fails.
 */
export interface RecordKeeper {
  /** `true` when every call is answered inside the process (a `Map`): no deadline is put on them. */
  readonly local?: boolean
  /** The record for `id`, or `undefined` when there is none or it has expired. */
  get(id: string, now: number, options?: KeeperCallOptions): Promise<StoredRecord | undefined>
  /**
   * Creates or replaces the record for `id`. With `mustExist`, a keeper that
   * can (conditional writes) writes only over a live record and returns
   * `false` when there was none; keepers that ignore it always write.
   */
  set(id: string, record: StoredRecord, now: number, options?: SetOptions): Promise<StoredRecord | void | false>
  /** Removes the record for `id` (no error when it does not exist). */
  delete(id: string, options?: KeeperCallOptions): Promise<void>
  /**
   * Optional: moves the expiry of an existing, live record to `expiresAt`
   * without touching its data. Returns `false` (and creates nothing) when
   * there is no such record. Without it, renewals rewrite the whole record.
   */
  touch?(id: string, expiresAt: number, now: number, options?: KeeperCallOptions): Promise<boolean>
  /**
   * Optional: a `regenerate()`. In one atomic step, checks that `fromId` holds
   * a live record (not a forward) and ends it, leaving a forward until
   * `options.forwardUntil`; writes `record` under `toId` only if that check
   * passed. Returns `false`, leaving no new record, when `fromId` holds no live
   * record. `set` and `touch` with `mustExist` must fail on a forward, and
   * `get` must not return one unless asked (`forwards`).
   *
   * Without it, {@link serverStore} moves with `get`, `set` and `delete`: not
   * atomic (a revoke landing between the check and the write is lost) and with
   * no forward (a request in flight with the old id is answered as if the
   * session had been revoked: its cookie is expired).
   */
  move?(fromId: string, toId: string, record: StoredRecord, now: number, options: MoveOptions): Promise<StoredRecord | void | false>
  /**
   * Optional: an id for a new session, or for a session moving from `from`;
   * must have the shape and entropy of `randomId()` (24 base64url characters,
   * at least ~134 random bits). See {@link SessionStore.newId}. Called without
   * `this`.
   */
  newId?(from?: string): string
  /** Optional: one page of the live records (for the admin API and the CLI). */
  list?(options: ListOptions): Promise<RecordPage>
  /** Optional: how many live records there are (may read every record). */
  count?(now: number): Promise<number>
  /**
   * Optional: one page of the live records whose data holds `userId` (a string,
   * or a number written as one) under the top-level key `userKey`.
   */
  listByUser?(userKey: string, userId: string, options: ListOptions): Promise<RecordPage>
}

/** A record with its id, as listings return it. */
export interface ListedRecord extends StoredRecord {
  /** The session id. */
  id: string
}

/** Where a listing starts and how much it examines. */
export interface ListOptions {
  /** Now, in epoch seconds: expired records are left out. */
  now: number
  /** The `cursor` of the previous page; omit for the first page. */
  cursor?: string | undefined
  /**
   * The most records to examine for this page: a page may hold fewer (even
   * none) and still have a `cursor`.
   */
  limit?: number | undefined
}

/** One page of a listing. */
export interface RecordPage {
  /** Live records, in the store's order. */
  records: ListedRecord[]
  /** Pass it back for the next page; `undefined` after the last page. */
  cursor?: string
}
