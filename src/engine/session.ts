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
import { FLASH_KEY, RESERVED_KEYS, type SessionData, type SessionRecord } from '../stores/contract.js'

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

  /**
   * Made by the engine (`createSessions().load()`), not by hand.
   * @internal
   */
  constructor(
    loader: () => Promise<LoadResult>,
    options: { hadCookie: boolean; newId?: ((from?: string) => string) | undefined; origin?: object | undefined },
  ) {
    this.#loader = loader
    this.#hadCookie = options.hadCookie
    this.#newId = options.newId
    this.#origin = options.origin
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
    this.#apply(() => {
      this.#regenerated = true
      this.#currentId = this.#newId?.(this.#currentId)
    })
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
      data: withData === true && this.#loaded ? this.#dataToWrite() : NOT_LOADED,
    }
  }

  /** The user's data plus the flash values still to deliver (a copy). */
  #dataToWrite(): SessionData {
    const data = toDataObject(this.#data)
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
