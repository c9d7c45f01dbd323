/**
 * The admin API: sessions found, read, changed and revoked out of band — by
 * an operator, a support tool, a "log out everywhere" button — over any
 * server store, through the engine's by-id door and the store's optional
 * listing calls. Never reachable from a request.
 *
 * @module
 */
import { SessionServerStoreRequiredError } from '../errors.js'
import type { Session } from '../engine/session.js'
import type { Sessions } from '../engine/engine.js'
import { holdsUser, isSessionId } from '../stores/listing.js'
import { FLASH_KEY, type ListedRecord, type RecordKeeper, type RecordPage, type SessionData } from '../stores/contract.js'

/** Options of {@link createAdmin}. */
export interface AdminOptions {
  /**
   * The top-level session key that holds the user id (a string, or a number),
   * for listing and revoking one user's sessions.
   * @default 'user'
   */
  userKey?: string | undefined
}

/** A session as the admin API shows it. Times are epoch seconds. */
export interface SessionSummary<Data extends object = SessionData> {
  /** The session id (the part of the cookie before the signature). */
  id: string
  /** The session's data (without pending flash values). */
  data: Partial<Data>
  /** When the session was last written. */
  issuedAt: number
  /** When it ends unless used again. */
  expiresAt: number
  /** When it ends whatever the activity (with `maxAge`). */
  absoluteExpiresAt?: number
}

/** Options of {@link SessionAdmin.list}. */
export interface ListSessionsOptions {
  /** The `cursor` of the previous page. */
  cursor?: string | undefined
  /**
   * How many sessions the store examines for this page (a page may hold fewer, and still have a cursor).
   * @default 100 (at most 1000)
   */
  limit?: number | undefined
  /** Only this user's sessions (the value under the `userKey`). */
  user?: string | undefined
}

/** One page of sessions. */
export interface SessionPage<Data extends object = SessionData> {
  /** The sessions of this page. */
  sessions: SessionSummary<Data>[]
  /** Pass it back for the next page; `undefined` after the last one. */
  cursor?: string
}

/** Options of {@link SessionAdmin.revokeUser}. */
export interface RevokeUserOptions {
  /** Called after each session revoked, with the count so far (for a progress line). */
  onProgress?: ((revoked: number) => void) | undefined
}

/** The admin API of one engine (see {@link createAdmin}). */
export interface SessionAdmin<Data extends object = SessionData> {
  /** The session key holding the user id. */
  readonly userKey: string
  /** One page of live sessions (all of them, or one user's). */
  list(options?: ListSessionsOptions): Promise<SessionPage<Data>>
  /** Every live session (or one user's), page after page. */
  sessions(options?: Omit<ListSessionsOptions, 'cursor'>): AsyncIterableIterator<SessionSummary<Data>>
  /** How many live sessions there are (reads the whole store on DynamoDB and KV). */
  count(): Promise<number>
  /** The live session with this id, or `undefined`. */
  get(id: string): Promise<SessionSummary<Data> | undefined>
  /**
   * Replaces a live session's data; its user sees it on their next request.
   * Like a request's write, it renews the idle expiry (an absolute `maxAge`
   * still holds). Resolves with the session as stored, or `undefined` when
   * there is no live session with this id (nothing is written: a revoked or
   * expired session is never brought back).
   */
  replace(id: string, data: Partial<Data>): Promise<SessionSummary<Data> | undefined>
  /**
   * Changes some keys of a live session (`undefined` removes a key); as
   * {@link SessionAdmin.replace} otherwise.
   */
  patch(id: string, changes: { [K in keyof Data]?: Data[K] | undefined }): Promise<SessionSummary<Data> | undefined>
  /**
   * Ends a session: its next request starts afresh. Resolves `true` when a
   * live session was there; `false`, deleting nothing, when there was none.
   * Every by-id call throws a `TypeError` for an id no session can have
   * (see `isSessionId`), before the store is asked.
   */
  revoke(id: string): Promise<boolean>
  /**
   * Ends every session of one user ("log out everywhere"); resolves with how
   * many were ended. A request of that user in flight cannot bring its
   * session back where the store writes conditionally (memory, DynamoDB);
   * on KV, revoke again a minute later (docs/out-of-band.md).
   */
  revokeUser(user: string, options?: RevokeUserOptions): Promise<number>
  /** The cookie value (`<id>.<signature>`) that names this session, signed with the newest secret. */
  cookieValue(id: string): Promise<string>
}

/** How many passes {@link SessionAdmin.revokeUser} makes at most, to catch sessions written meanwhile. */
const REVOKE_PASSES = 3

/** `value` quoted for a message: JSON, control and bidi characters escaped, at most 80 characters. */
function quoted(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value) : String(value)
  return text.replace(
    /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}

/**
 * Refuses an id no session can have, before the store sees it: a store
 * deletes whatever key it is given (a Redis `session:config`, a user index,
 * another application's DynamoDB item).
 */
function checkSessionId(id: unknown, what: string): asserts id is string {
  if (!isSessionId(id)) {
    throw new TypeError(`${what}: ${quoted(id)} is not a session id (session ids are 24 characters of A-Z, a-z, 0-9, _ and -)`)
  }
}

/**
 * The admin API over an engine on a server store (memory, DynamoDB, KV, or
 * your own {@link RecordKeeper} with the optional `list`).
 *
 * @example
 * ```ts
 * import { createSessions } from 'seshjs'
 * import { createAdmin } from 'seshjs/admin'
 * import { dynamoStore } from 'seshjs/dynamodb'
 *
 * const admin = createAdmin(createSessions({ env: process.env, store: dynamoStore({ table: 'sessions' }) }))
 * await admin.revokeUser('ada') // after a password change: log Ada out everywhere
 * ```
 * @param sessions the engine, configured as the app is (same secret, store, ttl)
 * @param options the session key holding the user id
 */
export function createAdmin<Data extends object = SessionData>(sessions: Sessions<Data>, options: AdminOptions = {}): SessionAdmin<Data> {
  if (!sessions || typeof sessions !== 'object' || !sessions.byId || !sessions.config) {
    throw new TypeError('createAdmin() takes an engine from createSessions()')
  }
  const userKey = options.userKey ?? 'user'
  if (typeof userKey !== 'string' || userKey === '') throw new TypeError('createAdmin: userKey must be a non-empty string')
  const { config, byId } = sessions
  const nowSeconds = () => Math.floor(config.now() / 1000)

  function keeper(what: string): RecordKeeper & Required<Pick<RecordKeeper, 'list'>> {
    const { store } = config
    if (store.stateless) {
      throw new SessionServerStoreRequiredError(
        `${what} needs a server-side store: the cookie store keeps no sessions on a server to list or revoke. ` +
          'To end cookie sessions, rotate the secret, or keep a revocation list keyed by the session issued-at (see docs/out-of-band.md).',
      )
    }
    const records = store.records
    if (!records || typeof records.list !== 'function') {
      throw new TypeError(
        `${what}: this store cannot list sessions (its RecordKeeper has no list(); the memory, DynamoDB and KV stores have one)`,
      )
    }
    return records as RecordKeeper & Required<Pick<RecordKeeper, 'list'>>
  }

  function summaryOf(record: ListedRecord, now: number): SessionSummary<Data> | undefined {
    if (!isSessionId(record.id)) return undefined // a keeper of your own may list other records
    const { maxAge, ttl } = config
    const issuedAt = record.expiresAt - ttl
    const started = record.createdAt ?? issuedAt
    if (record.expiresAt <= now || (maxAge !== undefined && started + maxAge <= now)) return undefined
    const data: SessionData = { ...record.data }
    delete data[FLASH_KEY]
    return {
      id: record.id,
      data: data as Partial<Data>,
      issuedAt,
      expiresAt: record.expiresAt,
      ...(maxAge === undefined ? {} : { absoluteExpiresAt: started + maxAge }),
    }
  }

  async function summaryOfSession(session: Session<Data>): Promise<SessionSummary<Data>> {
    const { id, issuedAt, expiresAt, absoluteExpiresAt } = session.info
    return {
      id: id!,
      data: await session.all(),
      issuedAt: issuedAt!,
      expiresAt: expiresAt!,
      ...(absoluteExpiresAt === undefined ? {} : { absoluteExpiresAt }),
    }
  }

  async function list(options: ListSessionsOptions = {}): Promise<SessionPage<Data>> {
    const records = keeper('list()')
    const now = nowSeconds()
    const listing = {
      now,
      ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
      ...(options.limit === undefined ? {} : { limit: options.limit }),
    }
    let page: RecordPage
    if (options.user === undefined) page = await records.list(listing)
    else if (records.listByUser) page = await records.listByUser(userKey, String(options.user), listing)
    else {
      page = await records.list(listing)
      page = { ...page, records: page.records.filter((record) => holdsUser(record.data, userKey, String(options.user))) }
    }
    const found: SessionSummary<Data>[] = []
    for (const record of page.records) {
      const summary = summaryOf(record, now)
      if (summary) found.push(summary)
    }
    return { sessions: found, ...(page.cursor === undefined ? {} : { cursor: page.cursor }) }
  }

  async function* all(options: Omit<ListSessionsOptions, 'cursor'> = {}): AsyncIterableIterator<SessionSummary<Data>> {
    let cursor: string | undefined
    do {
      const page: SessionPage<Data> = await list({ ...options, ...(cursor === undefined ? {} : { cursor }) })
      yield* page.sessions
      cursor = page.cursor
    } while (cursor !== undefined)
  }

  async function write(id: string, change: (session: Session<Data>) => void): Promise<SessionSummary<Data> | undefined> {
    const session = await byId.load(id)
    if (!session) return undefined
    change(session)
    await byId.save(session) // a rewrite of a session read under this id: never recreates one revoked meanwhile
    const stored = await byId.load(id)
    return stored && summaryOfSession(stored)
  }

  return {
    userKey,
    list,
    sessions: all,
    async count() {
      const records = keeper('count()')
      if (records.count) return records.count(nowSeconds())
      let total = 0
      for await (const _ of all({ limit: 1000 })) total++
      return total
    },
    async get(id) {
      checkSessionId(id, 'get()')
      const session = await byId.load(id)
      return session && summaryOfSession(session)
    },
    async replace(id, data) {
      checkSessionId(id, 'replace()')
      if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new TypeError('replace() takes the new data as an object')
      return write(id, (session) => session.replace(data as Data))
    },
    async patch(id, changes) {
      checkSessionId(id, 'patch()')
      if (changes === null || typeof changes !== 'object' || Array.isArray(changes))
        throw new TypeError('patch() takes the changes as an object')
      return write(id, (session) => {
        const loose = session as unknown as Session // keys and values were typed by the caller's Data
        for (const [key, value] of Object.entries(changes)) {
          if (value === undefined) loose.unset(key)
          else loose.set(key, value)
        }
      })
    },
    async revoke(id) {
      checkSessionId(id, 'revoke()')
      // Only a live session is deleted: an id that names something else in the store (an item
      // another application keeps in the table, say) is left alone, and "nothing to revoke" is true.
      if ((await byId.load(id)) === undefined) return false
      await byId.delete(id)
      return true
    },
    async revokeUser(user, options = {}) {
      if ((typeof user !== 'string' && typeof user !== 'number') || user === '') throw new TypeError('revokeUser() takes a user id')
      keeper('revokeUser()')
      let revoked = 0
      for (let pass = 0; pass < REVOKE_PASSES; pass++) {
        // Collect first, then delete: cursors stay valid, and a second pass catches what was written meanwhile.
        const ids: string[] = []
        for await (const session of all({ user: String(user), limit: 1000 })) ids.push(session.id)
        if (ids.length === 0) break
        for (const id of ids) {
          await byId.delete(id)
          revoked++
          options.onProgress?.(revoked)
        }
      }
      return revoked
    },
    async cookieValue(id) {
      checkSessionId(id, 'cookieValue()')
      return byId.cookieValue(id)
    },
  }
}
