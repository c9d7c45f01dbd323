/**
 * The Session object: data, change tracking, flash, destroy and regenerate.
 *
 * A session is lazy: nothing is decrypted or read from a store until the first
 * read (`get`, `has`, `all`, `load`). Writes (`set`, `unset`, `replace`,
 * `flash`, `destroy`, `regenerate`) are synchronous; made before the first read,
 * they are applied once the session has loaded.
 *
 * @module
 */
import { assertJsonValue, toDataObject } from '../json.js'
import {
  AUTH_KEY,
  FLASH_KEY,
  LIFE_KEY,
  lifetimeOf,
  META_KEY,
  RESERVED_KEYS,
  type SessionData,
  type SessionLifetime,
  type SessionRecord,
} from '../stores/contract.js'

export type { SessionLifetime }

/** What the engine found for a request. @internal */
export interface LoadResult {
  /** The live record, if the cookie named one. */
  record?: SessionRecord
  /** Which key opened the cookie (0 = newest). */
  keyIndex?: number
  /** Idle expiry of the record, in epoch seconds. */
  expiresAt?: number
  /** Absolute expiry of the record (with `maxAge`), in epoch seconds. */
  absoluteExpiresAt?: number
  /** The cookie names an id moved by a `regenerate()` within the grace window: read-only, nothing is written. */
  moved?: true
}

/**
 * The keys of session data; any string for untyped data (`object`,
 * `Record<string, unknown>`), so `Session<object>` is as usable as an untyped session.
 */
export type SessionKey<Data> = [keyof Data] extends [never] ? string : keyof Data & string
/** The value type of `key`; `unknown` for untyped data. */
export type SessionValue<Data, K> = K extends keyof Data ? Data[K] : unknown

/**
 * A read-only view of a loaded session's record: its id and lifetimes.
 * Times are epoch seconds.
 */
export interface SessionInfo {
  /** The session id; `undefined` for the cookie store, which keeps no id. */
  readonly id: string | undefined
  /** `true` when no live session was found. */
  readonly isNew: boolean
  /** When the session was last written; `undefined` when it is new. */
  readonly issuedAt: number | undefined
  /** When the session ends unless used again (`issuedAt + ttl`); `undefined` when it is new. */
  readonly expiresAt: number | undefined
  /** When the session ends whatever the activity (with `maxAge`); otherwise `undefined`. */
  readonly absoluteExpiresAt: number | undefined
  /** `true` when the cookie was sealed or signed with an older secret (it is re-issued with the newest on save). */
  readonly olderKey: boolean
  /**
   * The store's own attributes of the record, read-only (DynamoDB's `_secret`, which
   * `seshjs/architect` shows as Architect does); `undefined` when there are none.
   */
  readonly extra: Readonly<Record<string, unknown>> | undefined
  /**
   * `true` when the cookie named an id that another request's `regenerate()`
   * moved to a new one moments ago (within `regenerateGrace`): the session is
   * empty and read-only, and saving it writes nothing and sends no cookie.
   * The new id is never told. Otherwise `undefined`.
   */
  readonly moved?: true | undefined
  /**
   * When the session was created, epoch seconds: kept by server stores, and by
   * the cookie store when an absolute `maxAge` applies; otherwise `undefined`.
   */
  readonly createdAt: number | undefined
  /**
   * When the session was last seen: its last write or renewal (`issuedAt`), so
   * it moves no more often than renewals (`touchAfter`) and costs no write.
   */
  readonly lastSeenAt: number | undefined
  /** When the session was last authenticated (its last `regenerate()`), epoch seconds; `undefined` if never. */
  readonly authenticatedAt: number | undefined
  /** The session's own lifetime (`setLifetime()`), if it set one. */
  readonly lifetime: SessionLifetime | undefined
  /** What the engine's `meta(request)` recorded for this session, if anything. */
  readonly meta: Readonly<Record<string, unknown>> | undefined
}

/** One of a user's other live sessions, as {@link Session.others} lists them (never a cookie). */
export interface OtherSession {
  readonly id: string
  readonly createdAt: number | undefined
  readonly lastSeenAt: number | undefined
  readonly authenticatedAt: number | undefined
  readonly meta: Readonly<Record<string, unknown>> | undefined
}

/**
 * What a session asks of its engine for a user's other sessions (`others()`,
 * `revokeOthers()`, `revokeOther()`); the engine hands it in. @internal
 */
export interface SessionDevices {
  /** The live sessions of the user this data names, but `exceptId`; rejects when the store cannot list. */
  others(data: Readonly<SessionData>, exceptId: string | undefined): Promise<OtherSession[]>
  /** Ends the session `id` if it is the same user's; `true` when one was ended. */
  revoke(data: Readonly<SessionData>, exceptId: string | undefined, id: string): Promise<boolean>
}

/**
 * What the engine reads of a session to save it: a read-only snapshot of its
 * changes, taken by `session[SNAPSHOT]()`. Later changes to the session do not
 * show in it. (Typed read-only, not frozen: `Object.freeze` would add about
 * 50 ns to every save.) @internal
 */
export interface SessionSnapshot {
  readonly touched: boolean
  /** The loader has run (a session that is not loaded was never read nor changed). */
  readonly loaded: boolean
  readonly hadCookie: boolean
  readonly record: SessionRecord | undefined
  readonly keyIndex: number
  readonly currentId: string | undefined
  /**
   * The JSON of the data as loaded, taken just before the first change or the
   * first hand-out of an object value (which the handler could change in
   * place); `undefined` while neither has happened — the data is then the
   * loaded data, unchanged, and nothing needs comparing.
   */
  readonly originalJson: string | undefined
  /**
   * The session is as it loaded (`originalJson` is `undefined`) and held no
   * data: nothing to keep, even unchanged. `false` once anything changed.
   */
  readonly loadedEmpty: boolean
  readonly destroyed: boolean
  readonly regenerated: boolean
  /** The cookie named an id moved to a new one (a `regenerate()` of another request): write nothing, send no cookie. */
  readonly moved: boolean
  /** The session's own lifetime (`setLifetime()`), loaded or set; `undefined`: the engine's. */
  readonly life: SessionLifetime | undefined
  /** The request's `meta` differs from the stored one: a renewal writes the record (not just its expiry). */
  readonly metaChanged: boolean
}

/** A {@link SessionSnapshot} with the data to write. @internal */
export interface SessionSnapshotWithData extends SessionSnapshot {
  /**
   * The user's data plus the flash values still to deliver: a copy the session
   * no longer touches. Empty until the session has loaded.
   */
  readonly data: Readonly<SessionData>
}

/**
 * The symbol under which a session hands the engine a {@link SessionSnapshot}:
 * `session[SNAPSHOT]()`, or `session[SNAPSHOT](true)` with the data to write
 * (a copy, so asked for only when a write may follow). @internal
 */
export const SNAPSHOT: unique symbol = Symbol('sesh.snapshot')

/**
 * The symbol under which a session returns the opaque token of whoever made it
 * (an engine's state: the engine finds itself from it, the Session never
 * reads it). @internal
 */
export const ORIGIN: unique symbol = Symbol('sesh.origin')

/** The symbol under which a session tells the engine its own lifetime (`setLifetime()`), if any. @internal */
export const LIFETIME: unique symbol = Symbol('sesh.lifetime')

/** The symbol under which the engine hands a session what its `meta(request)` returned. @internal */
export const REQUEST_META: unique symbol = Symbol('sesh.requestMeta')

function checkSeconds(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
    throw new TypeError(`setLifetime(): ${name} must be a positive integer (seconds)`)
  return value
}

function metaOf(value: unknown): SessionData | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as SessionData) : undefined
}

type Operation = () => void

/** No flash values: shared by every session that has none, and never written. */
const NO_FLASH: SessionData = Object.freeze(Object.create(null) as SessionData)
/** The data of a snapshot taken before the session loaded. */
const NOT_LOADED: Readonly<SessionData> = NO_FLASH

function isEmpty(data: SessionData): boolean {
  for (const _ in data) return false
  return true
}

function checkKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key === '') throw new TypeError('A session key must be a non-empty string')
  if (RESERVED_KEYS.has(key)) throw new TypeError(`"${key}" is a reserved session key`)
}

/**
 * One visitor's session. Typed by its data:
 *
 * @example
 * ```ts
 * type Data = { count: number; user?: { name: string } }
 * const session: Session<Data> = c.get('session')
 * const count = (await session.get('count')) ?? 0
 * session.set('count', count + 1)
 * ```
 */
export class Session<Data extends object = SessionData> {
  readonly #loader: () => Promise<LoadResult>
  readonly #newId: ((from?: string) => string) | undefined
  readonly #hadCookie: boolean
  readonly #origin: object | undefined
  #loading: Promise<void> | undefined
  #loaded = false
  #expiresAt: number | undefined
  #absoluteExpiresAt: number | undefined
  #consumedFlash: Set<string> | undefined
  #touched = false
  #data: SessionData = Object.create(null)
  // Flash values are rare: both start as the shared empty object, replaced (never written) when there are some.
  #incomingFlash: SessionData = NO_FLASH
  #outgoingFlash: SessionData = NO_FLASH
  #pending: Operation[] | undefined
  #record: SessionRecord | undefined
  #keyIndex = 0
  #currentId: string | undefined
  #originalJson: string | undefined
  #destroyed = false
  #regenerated = false
  #moved = false
  #life: SessionLifetime | undefined
  #authenticatedAt: number | undefined
  #meta: SessionData | undefined
  #requestMeta: SessionData | undefined
  readonly #now: (() => number) | undefined
  readonly #devices: SessionDevices | undefined

  /**
   * Made by the engine (`createSessions().load()`), not by hand.
   * @internal
   */
  constructor(
    loader: () => Promise<LoadResult>,
    options: {
      hadCookie: boolean
      newId?: ((from?: string) => string) | undefined
      origin?: object | undefined
      /** The engine's clock, milliseconds (`regenerate()` stamps `authenticatedAt`, `isFresh()` compares). */
      now?: (() => number) | undefined
      devices?: SessionDevices | undefined
    },
  ) {
    this.#loader = loader
    this.#hadCookie = options.hadCookie
    this.#newId = options.newId
    this.#origin = options.origin
    this.#now = options.now
    this.#devices = options.devices
  }

  /** @internal */
  [REQUEST_META](meta: SessionData | undefined): void {
    if (meta !== undefined) assertJsonValue(META_KEY, meta)
    this.#requestMeta = metaOf(meta)
  }

  /** @internal */
  [LIFETIME](): SessionLifetime | undefined {
    return this.#life
  }

  #nowSeconds(): number {
    return Math.floor((this.#now ?? Date.now)() / 1000)
  }

  /** Whoever made this session (an opaque token), if given. @internal */
  [ORIGIN](): object | undefined {
    return this.#origin
  }

  /**
   * Loads the session now (decrypting the cookie or reading the store). Other
   * reads do it for you; call it to read `id` or `isNew` first.
   */
  async load(): Promise<this> {
    this.#touched = true
    if (!this.#loaded) {
      // awaited here rather than through a `.catch()` chained on: one promise fewer on every load
      const loading = (this.#loading ??= this.#runLoader())
      try {
        await loading
      } catch (error) {
        if (this.#loading === loading) this.#loading = undefined // a failed read (store down) may be retried
        throw error
      }
    }
    return this
  }

  /**
   * Reads the session again from where it came from (the store, for server
   * stores; the cookie, for the cookie store), dropping changes not yet saved.
   * A WebSocket handler calls it to see what HTTP requests changed meanwhile.
   */
  async reload(): Promise<this> {
    await this.#loading?.catch(() => {})
    this.#loaded = false
    this.#loading = undefined
    this.#data = Object.create(null)
    this.#incomingFlash = NO_FLASH
    this.#outgoingFlash = NO_FLASH
    this.#pending = undefined
    this.#record = undefined
    this.#keyIndex = 0
    this.#currentId = undefined
    this.#originalJson = undefined
    this.#destroyed = false
    this.#regenerated = false
    this.#moved = false
    this.#consumedFlash = undefined
    this.#expiresAt = undefined
    this.#absoluteExpiresAt = undefined
    this.#life = undefined
    this.#authenticatedAt = undefined
    this.#meta = undefined
    return this.load()
  }

  async #runLoader(): Promise<void> {
    const { record, keyIndex = 0, expiresAt, absoluteExpiresAt, moved } = await this.#loader()
    if (moved) this.#moved = true
    this.#expiresAt = record ? expiresAt : undefined
    this.#absoluteExpiresAt = record ? absoluteExpiresAt : undefined
    if (record) {
      const data = toDataObject(record.data)
      const flash = data[FLASH_KEY]
      if (flash !== null && typeof flash === 'object' && !Array.isArray(flash)) {
        this.#incomingFlash = toDataObject(flash as SessionData)
      }
      if (flash !== undefined) delete data[FLASH_KEY]
      // sesh's own keys, present only in sessions that use them
      if (data[LIFE_KEY] !== undefined) {
        this.#life = lifetimeOf(data)
        delete data[LIFE_KEY]
      }
      const auth = data[AUTH_KEY]
      if (auth !== undefined) {
        if (typeof auth === 'number' && Number.isFinite(auth)) this.#authenticatedAt = auth
        delete data[AUTH_KEY]
      }
      if (data[META_KEY] !== undefined) {
        this.#meta = metaOf(data[META_KEY])
        delete data[META_KEY]
      }
      this.#data = data
      this.#record = record
      this.#keyIndex = keyIndex
    }
    this.#currentId = record?.id ?? this.#newId?.()
    this.#loaded = true
    const pending = this.#pending
    this.#pending = undefined
    if (pending) {
      this.#snapshot()
      for (const operation of pending) operation()
    }
  }

  /**
   * Remembers what an unchanged session would write (so "changed" is judged on
   * the same shape), once, before anything can change it: a change, a flash
   * value consumed, or an object value handed out. A request that only reads
   * primitives never pays for the copy and the JSON.
   */
  #snapshot(): void {
    this.#originalJson ??= JSON.stringify(this.#dataToWrite())
  }

  #apply(operation: Operation): void {
    this.#touched = true
    if (this.#loaded) {
      this.#snapshot()
      operation()
    } else (this.#pending ??= []).push(operation)
  }

  #requireLoaded(what: string): void {
    if (!this.#loaded) throw new TypeError(`session.${what} is known once the session has loaded: await session.load() first`)
  }

  /**
   * The value stored under `key`, or a flash value set for it on an earlier
   * request. Reading a flash value consumes it: it is gone on the next request.
   *
   * @param key the key
   */
  async get<K extends SessionKey<Data>>(key: K): Promise<SessionValue<Data, K> | undefined> {
    await this.load()
    if (Object.hasOwn(this.#incomingFlash, key)) {
      // reading a flash value consumes it (it stays readable for the rest of
      // this request); unread ones wait for a request that reads them
      this.#snapshot()
      ;(this.#consumedFlash ??= new Set()).add(key)
      return this.#incomingFlash[key] as SessionValue<Data, K>
    }
    if (!Object.hasOwn(this.#data, key)) return undefined
    const value = this.#data[key]
    if (value !== null && typeof value === 'object') this.#snapshot() // it may be changed in place
    return value as SessionValue<Data, K>
  }

  /**
   * Whether `key` holds a value (or an unread flash value). Does not consume a flash value.
   *
   * @param key the key
   */
  async has(key: SessionKey<Data>): Promise<boolean> {
    await this.load()
    return Object.hasOwn(this.#incomingFlash, key) || Object.hasOwn(this.#data, key)
  }

  /** A copy of all the data (without flash values). */
  async all(): Promise<Partial<Data>> {
    await this.load()
    this.#snapshot() // its values may be changed in place
    return { ...this.#data } as Partial<Data>
  }

  /**
   * Stores `value` under `key`. The value must round-trip through JSON, or a
   * `SessionNotSerializableError` naming the key is thrown here.
   *
   * @param key the key
   * @param value the value
   */
  set<K extends SessionKey<Data>>(key: K, value: SessionValue<Data, K>): void {
    checkKey(key)
    assertJsonValue(key, value)
    this.#apply(() => {
      this.#data[key] = value
    })
  }

  /**
   * Removes `key`.
   *
   * @param key the key
   */
  unset(key: SessionKey<Data>): void {
    checkKey(key)
    this.#apply(() => {
      delete this.#data[key]
    })
  }

  /**
   * Replaces all the data at once (Architect's "writing a session clobbers it").
   *
   * @param data the new data
   */
  replace(data: Partial<Data>): void {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw new TypeError('session.replace() takes a plain object')
    }
    for (const key of Object.keys(data)) {
      checkKey(key)
      assertJsonValue(key, (data as SessionData)[key])
    }
    const copy = toDataObject(data as SessionData)
    this.#apply(() => {
      this.#data = copy
    })
  }

  /**
   * Stores a value readable once, by the next request that reads it (a message
   * after a redirect). Requests that load the session without reading it leave it in place.
   *
   * @param key the key it will be read under
   * @param value the value
   */
  flash<K extends SessionKey<Data>>(key: K, value: SessionValue<Data, K>): void {
    checkKey(key)
    assertJsonValue(key, value)
    this.#apply(() => {
      if (this.#outgoingFlash === NO_FLASH) this.#outgoingFlash = Object.create(null)
      this.#outgoingFlash[key] = value
    })
  }

  /**
   * Ends the session: its data is dropped, its record deleted and its cookie
   * expired. Writing to it afterwards starts a new session with a new id.
   */
  destroy(): void {
    this.#apply(() => {
      this.#data = Object.create(null)
      this.#incomingFlash = NO_FLASH
      this.#outgoingFlash = NO_FLASH
      this.#destroyed = true
      this.#life = undefined
      this.#authenticatedAt = undefined
      this.#meta = undefined
      this.#currentId = this.#newId?.()
    })
  }

  /**
   * Gives the session a new id and keeps its data; the old id stops working.
   * Call it when privileges change (log-in) to defeat session fixation. With
   * the cookie store, which keeps no id, it re-seals the cookie; an old copy of
   * the cookie stays readable until it expires.
   */
  regenerate(): void {
    const at = this.#nowSeconds()
    this.#apply(() => {
      this.#regenerated = true
      this.#authenticatedAt = at
      this.#currentId = this.#newId?.(this.#currentId)
    })
  }

  /**
   * This session's own lifetime, kept with it (sealed in the cookie, or in the
   * record) so every later write and renewal keeps it: "remember me" or not.
   * `ttl` (idle) and `maxAge` (absolute) replace the engine's for this session,
   * and the cookie's `Max-Age` follows them; `persistent: false` sends a
   * browser-session cookie (no `Max-Age`/`Expires`) while the record keeps its
   * server-side expiry. `setLifetime({})` goes back to the engine's.
   *
   * @example
   * ```ts
   * session.regenerate()
   * session.set('user', user.id)
   * session.setLifetime(remember ? { ttl: 30 * 24 * 3600 } : { persistent: false })
   * ```
   * @param lifetime the idle and absolute lifetimes in seconds, and whether the cookie outlives the browser
   */
  setLifetime(lifetime: SessionLifetime): void {
    if (lifetime === null || typeof lifetime !== 'object') throw new TypeError('setLifetime() takes { ttl?, maxAge?, persistent? }')
    const ttl = checkSeconds(lifetime.ttl, 'ttl')
    const maxAge = checkSeconds(lifetime.maxAge, 'maxAge')
    const { persistent } = lifetime
    if (persistent !== undefined && typeof persistent !== 'boolean') throw new TypeError('setLifetime(): persistent must be a boolean')
    const life: { ttl?: number; maxAge?: number; persistent?: boolean } = {}
    if (ttl !== undefined) life.ttl = ttl
    if (maxAge !== undefined) life.maxAge = maxAge
    if (persistent === false) life.persistent = false
    const next = Object.keys(life).length > 0 ? Object.freeze(life) : undefined
    this.#apply(() => {
      this.#life = next
    })
  }

  /**
   * Whether the session was authenticated (`regenerate()`, the login call)
   * within the last `seconds`: ask before a sensitive action (changing a
   * password or an e-mail address) and send the user to re-authenticate when
   * it is not. `false` when it never was. Readable after loading.
   *
   * @param seconds how recent the authentication must be
   */
  isFresh(seconds: number): boolean {
    if (typeof seconds !== 'number' || !(seconds >= 0)) throw new TypeError('isFresh() takes a number of seconds')
    this.#requireLoaded('isFresh()')
    const at = this.#authenticatedAt
    return at !== undefined && this.#nowSeconds() - at <= seconds
  }

  /**
   * The user's other live sessions ("your devices"), with no cookie: their id,
   * creation, last use, last authentication and recorded `meta`. Needs
   * `userKey` on the engine and a server store (the cookie store rejects with
   * `SessionServerStoreRequiredError`); empty when the session names no user.
   */
  async others(): Promise<OtherSession[]> {
    await this.load()
    return this.#requireDevices('others()').others(this.#data, this.#currentId)
  }

  /** Ends every other live session of this session's user ("sign out other devices"); resolves with how many. */
  async revokeOthers(): Promise<number> {
    const others = await this.others()
    const devices = this.#requireDevices('revokeOthers()')
    let revoked = 0
    for (const other of others) if (await devices.revoke(this.#data, this.#currentId, other.id)) revoked++
    return revoked
  }

  /**
   * Ends the session `id` if it is another live session of this session's
   * user; resolves `false`, ending nothing, otherwise (another user's, this
   * session itself, unknown).
   *
   * @param id a session id from {@link Session.others}
   */
  async revokeOther(id: string): Promise<boolean> {
    if (typeof id !== 'string' || id === '') throw new TypeError('revokeOther() takes a session id')
    await this.load()
    return this.#requireDevices('revokeOther()').revoke(this.#data, this.#currentId, id)
  }

  #requireDevices(what: string): SessionDevices {
    if (!this.#devices) throw new TypeError(`session.${what} needs a session from an engine (createSessions())`)
    return this.#devices
  }

  /** The session id; `undefined` for the cookie store, which keeps no id. Readable after loading. */
  get id(): string | undefined {
    this.#requireLoaded('id')
    return this.#currentId
  }

  /** `true` when the request carried no live session. Readable after loading. */
  get isNew(): boolean {
    this.#requireLoaded('isNew')
    return this.#record === undefined
  }

  /** The session's record: id, issued-at and expiries. Readable after loading. */
  get info(): SessionInfo {
    this.#requireLoaded('info')
    return Object.freeze({
      id: this.#currentId,
      isNew: this.#record === undefined,
      issuedAt: this.#record?.issuedAt,
      expiresAt: this.#expiresAt,
      absoluteExpiresAt: this.#absoluteExpiresAt,
      olderKey: this.#keyIndex > 0,
      extra: this.#record?.extra === undefined ? undefined : Object.freeze({ ...this.#record.extra }),
      moved: this.#moved ? true : undefined,
      createdAt: this.#record?.createdAt,
      lastSeenAt: this.#record?.issuedAt,
      authenticatedAt: this.#authenticatedAt,
      lifetime: this.#life,
      meta: this.#meta === undefined ? undefined : Object.freeze({ ...this.#meta }),
    })
  }

  /** @internal */
  [SNAPSHOT](): SessionSnapshot
  /** @internal */
  [SNAPSHOT](withData: true): SessionSnapshotWithData
  [SNAPSHOT](withData?: boolean): SessionSnapshot | SessionSnapshotWithData {
    // one object shape whether or not the data is asked for, so the engine's call stays monomorphic (and inlined)
    return {
      touched: this.#touched,
      loaded: this.#loaded,
      hadCookie: this.#hadCookie,
      record: this.#record,
      keyIndex: this.#keyIndex,
      currentId: this.#currentId,
      originalJson: this.#originalJson,
      // asked only of an unchanged session (for-in over a prototype-less object is not free)
      loadedEmpty:
        this.#originalJson === undefined && (this.#record === undefined || (isEmpty(this.#data) && isEmpty(this.#incomingFlash))),
      destroyed: this.#destroyed,
      regenerated: this.#regenerated,
      moved: this.#moved,
      life: this.#life,
      metaChanged: this.#requestMeta !== undefined && JSON.stringify(this.#requestMeta) !== JSON.stringify(this.#meta),
      data: withData === true && this.#loaded ? this.#dataToWrite() : NOT_LOADED,
    }
  }

  /** The user's data plus the flash values still to deliver (a copy). */
  #dataToWrite(): SessionData {
    const data = toDataObject(this.#data)
    if (this.#life !== undefined) data[LIFE_KEY] = { ...this.#life }
    if (this.#authenticatedAt !== undefined) data[AUTH_KEY] = this.#authenticatedAt
    const meta = this.#requestMeta ?? this.#meta
    if (meta !== undefined) data[META_KEY] = meta
    if (this.#incomingFlash === NO_FLASH && this.#outgoingFlash === NO_FLASH) return data // most sessions: no flash at all
    const flash: SessionData = Object.create(null)
    for (const key of Object.keys(this.#incomingFlash)) {
      if (!this.#consumedFlash?.has(key)) flash[key] = this.#incomingFlash[key]
    }
    Object.assign(flash, this.#outgoingFlash)
    if (Object.keys(flash).length > 0) data[FLASH_KEY] = { ...flash }
    return data
  }
}
