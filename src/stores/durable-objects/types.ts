/**
 * The parts of the Workers runtime the Durable Object store uses, typed
 * structurally: the core compiles without `@cloudflare/workers-types`.
 *
 * @module
 */
import type { SessionData } from '../contract.js'

/** A Durable Object id (opaque here). */
export type DurableObjectIdLike = object

/** A Durable Object namespace binding (`env.SESSIONS_DO`). */
export interface DurableObjectNamespaceLike {
  /** The id of the object with this name (the same name always gives the same object). */
  idFromName(name: string): DurableObjectIdLike
  /** The stub of the object with this id. */
  get(id: DurableObjectIdLike): unknown
}

/** A row of a session, as the object returns it. */
export interface SessionRow {
  /** The user's data, as JSON. */
  data: string
  /** When the session expires, in epoch seconds. */
  expiresAt: number
  /** When the session was created, in epoch seconds, if tracked. */
  createdAt: number | null
  /** Bumped by every write; optimistic writes compare it. */
  version: number
  /** 1 for a forward left by a move (no session: `data` is `{}`), 0 for a session. */
  moved?: number
}

/** A listed row. */
export interface ListedRow extends SessionRow {
  /** The session id. */
  id: string
}

/** One page of rows of one object. */
export interface RowPage {
  /** The live rows, in id order. */
  rows: ListedRow[]
  /** Whether the object holds more rows after these. */
  more: boolean
}

/**
 * When a write lands: `'set'` always; `'live'` only over a live session;
 * `'absent'` only where none is live; `'version'` only over a live session of
 * the `expected` version.
 */
export type WriteMode = 'set' | 'live' | 'absent' | 'version'

/** One write, as the store sends it to the object. */
export interface RowWrite {
  /** The session id. */
  id: string
  /** The user's data, as JSON. */
  data: string
  /** When the session expires, in epoch seconds. */
  expiresAt: number
  /** When the session was created, in epoch seconds, if tracked. */
  createdAt?: number | undefined
  /** The user id the store's `userKey` found in the data, for listings by user. */
  user?: string | undefined
  /** The condition. */
  mode: WriteMode
  /** With `'version'`: the version the row must have. */
  expected?: number | undefined
  /** The version to write (optimistic writes); otherwise the stored version plus one. */
  version?: number | undefined
  /** Now, in epoch seconds (the caller's clock): what "live" means. */
  now: number
}

/** A move (a `regenerate()`), as the store sends it to the object that holds both ids. */
export interface RowMove {
  /** The old id: moved only while it holds a live session. */
  from: string
  /** The new id's row (written with version 1), or none when the new id lives in another object (written there after). */
  to?: { id: string; data: string; expiresAt: number; createdAt?: number | undefined; user?: string | undefined } | undefined
  /** Leave a forward at the old id until then (epoch seconds); none when it is not after `now`. */
  forwardUntil: number
  /** Optimistic concurrency: the version the old row must have. */
  expected?: number | undefined
  /** Now, in epoch seconds (the caller's clock): what "live" means. */
  now: number
}

/** What a move did: `'moved'`; `'gone'` (nothing written) when the old id held no live session; `'conflict'` when it held another version. */
export type RowMoveResult = 'moved' | 'gone' | 'conflict'

/** The methods of a session object its stub answers (JS RPC). */
export interface SessionObjectRpc {
  /** The live row of `id` (a session or a forward), or `null` (an expired row is deleted on the way). */
  read(id: string, now: number): Promise<SessionRow | null>
  /** Writes a row if its condition holds; `false` (nothing written) otherwise. */
  write(write: RowWrite): Promise<boolean>
  /** Moves the expiry of a live row; `false` when there is none. */
  renew(id: string, expiresAt: number, now: number): Promise<boolean>
  /**
   * In one step: checks that `from` holds a live session (of the `expected`
   * version), turns it into a forward (or deletes it) and writes `to`; closes
   * the old id's sockets with 4401.
   */
  move(move: RowMove): Promise<RowMoveResult>
  /** Deletes the row of `id` and closes its sockets with 4401; `true` when there was one. */
  remove(id: string): Promise<boolean>
  /** Live rows after `after`, in id order. */
  page(after: string, limit: number, now: number, user?: string | null): Promise<RowPage>
  /** How many live rows there are. */
  tally(now: number): Promise<number>
  /** Answers a WebSocket upgrade routed by {@link durableObjectSocket}. */
  fetch(request: Request): Promise<Response>
}

/** A result of a SQL query (`ctx.storage.sql.exec`). */
export interface SqlCursorLike {
  /** Every row. */
  toArray(): Record<string, unknown>[]
  /** How many rows the statement wrote. */
  readonly rowsWritten: number
}

/** A WebSocket accepted by the object (the Hibernation API). */
export interface HibernatableWebSocket {
  send(message: string | ArrayBuffer): void
  close(code?: number, reason?: string): void
  serializeAttachment(value: unknown): void
  deserializeAttachment(): unknown
}

/** The object's `ctx` (a `DurableObjectState`), the parts used here. */
export interface DurableObjectStateLike {
  readonly storage: {
    readonly sql: { exec(query: string, ...bindings: unknown[]): SqlCursorLike }
    getAlarm(): Promise<number | null>
    setAlarm(scheduledTime: number): Promise<void>
    deleteAlarm(): Promise<void>
  }
  acceptWebSocket(ws: HibernatableWebSocket, tags?: string[]): void
  getWebSockets(tag?: string): HibernatableWebSocket[]
}

/** A session's socket, as the object's hooks see it. */
export interface ObjectSocket {
  /** The session id. */
  readonly id: string
  /** The session's data as stored now, or `undefined` when the session ended (the socket is then closed with 4401). */
  data(): SessionData | undefined
  /**
   * Saves `data` as the session's, renewing its expiry by the engine's `ttl`;
   * `false` (nothing written, the socket closed with 4401) when the session
   * ended meanwhile. A save is never a resurrection.
   */
  save(data: SessionData): Promise<boolean>
  /** Sends a message. */
  send(message: string | ArrayBuffer): void
  /** Closes the socket. */
  close(code?: number, reason?: string): void
}
