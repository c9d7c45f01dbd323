/**
 * The session object: a Durable Object class (SQLite-backed) that keeps the
 * sessions of one shard and holds their WebSockets (the Hibernation API).
 * The app defines it from the runtime's `DurableObject` (so that its stub
 * answers JS RPC) and exports it from its Worker.
 *
 * @module
 */
import { parseJsonObject } from '../../json.js'
import { SESSION_ENDED_CLOSE_CODE } from '../../hono/socket-session.js'
import type { SessionData } from '../contract.js'
import type {
  DurableObjectStateLike,
  HibernatableWebSocket,
  ListedRow,
  ObjectSocket,
  RowMove,
  RowMoveResult,
  RowPage,
  RowWrite,
  SessionObjectRpc,
  SessionRow,
} from './types.js'

/** Headers {@link durableObjectSocket} sends with the upgrade it routes to the object. @internal */
export const SOCKET_HEADERS = { id: 'x-sesh-session-id', ttl: 'x-sesh-ttl', now: 'x-sesh-now' } as const

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS sesh_sessions (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    created_at INTEGER,
    version INTEGER NOT NULL,
    user TEXT,
    moved INTEGER NOT NULL DEFAULT 0
  )`,
  'CREATE INDEX IF NOT EXISTS sesh_sessions_user ON sesh_sessions (user, id) WHERE user IS NOT NULL',
  'CREATE INDEX IF NOT EXISTS sesh_sessions_expiry ON sesh_sessions (expires_at)',
]

const COLUMNS = 'id, data, expires_at AS expiresAt, created_at AS createdAt, version, moved'

/** What a socket carries through hibernation. */
interface Attachment {
  id: string
  ttl: number
}

declare const WebSocketPair: { new (): { 0: HibernatableWebSocket; 1: HibernatableWebSocket } }

/** Any class the runtime's `DurableObject` is, or extends. */
export type DurableObjectBase = abstract new (...args: any[]) => object

/** The methods {@link sessionObject} adds, and the hooks to override. */
export interface SessionObjectMethods extends SessionObjectRpc {
  /**
   * Override: a socket of a session just opened (the upgrade was routed by
   * `durableObjectSocket()`). Send a greeting, say.
   */
  socketOpen(socket: ObjectSocket): void | Promise<void>
  /**
   * Override: a message arrived on a socket whose session is live (a socket
   * whose session ended is closed with 4401 before this runs).
   */
  socketMessage(socket: ObjectSocket, message: string | ArrayBuffer): void | Promise<void>
  /** The Hibernation API's message event: reads the session, then calls {@link socketMessage}. */
  webSocketMessage(ws: HibernatableWebSocket, message: string | ArrayBuffer): Promise<void>
  /** The Hibernation API's close event: completes the closing handshake. */
  webSocketClose(ws: HibernatableWebSocket, code: number, reason: string): void
  /** Deletes the sessions that expired and closes their sockets with 4401. */
  alarm(): Promise<void>
}

/** A class made by {@link sessionObject}. */
export type SessionObjectClass<Base extends DurableObjectBase> = new (
  ...args: ConstructorParameters<Base>
) => InstanceType<Base> & SessionObjectMethods

const seconds = () => Math.floor(Date.now() / 1000)

/**
 * The session object class, built on the runtime's `DurableObject` (import it
 * from `cloudflare:workers`: only a class that extends it answers RPC). Export
 * it from your Worker, bind it in wrangler.toml with a `new_sqlite_classes`
 * migration, and give the binding to `durableObjectStore()`. Extend it to
 * handle WebSocket messages (`socketOpen`, `socketMessage`).
 *
 * @example
 * ```ts
 * import { DurableObject } from 'cloudflare:workers'
 * import { sessionObject } from 'seshjs/durable-objects'
 *
 * export class Sessions extends sessionObject(DurableObject) {}
 * // wrangler.toml:
 * // [[durable_objects.bindings]] name = "SESSIONS_DO", class_name = "Sessions"
 * // [[migrations]] tag = "v1", new_sqlite_classes = ["Sessions"]
 * ```
 * @param Base `DurableObject` from `cloudflare:workers`
 */
export function sessionObject<Base extends DurableObjectBase>(Base: Base): SessionObjectClass<Base> {
  if (typeof Base !== 'function')
    throw new TypeError("sessionObject() takes the runtime's DurableObject class (import { DurableObject } from 'cloudflare:workers')")

  abstract class SessionObject extends Base implements SessionObjectMethods {
    readonly #state: DurableObjectStateLike

    constructor(...args: any[]) {
      super(args[0], args[1])
      this.#state = args[0] as DurableObjectStateLike
      for (const statement of SCHEMA) this.#sql(statement)
      // A table made before forwards existed gets their column (every row a session: 0).
      if (this.#sql("SELECT 1 FROM pragma_table_info('sesh_sessions') WHERE name = 'moved'").toArray().length === 0) {
        this.#sql('ALTER TABLE sesh_sessions ADD COLUMN moved INTEGER NOT NULL DEFAULT 0')
      }
    }

    #sql(query: string, ...bindings: unknown[]) {
      return this.#state.storage.sql.exec(query, ...bindings)
    }

    #row(id: string): SessionRow | undefined {
      return this.#sql(`SELECT ${COLUMNS} FROM sesh_sessions WHERE id = ?`, id).toArray()[0] as SessionRow | undefined
    }

    /** Closes the sockets of `id` with 4401. */
    #end(id: string): void {
      for (const ws of this.#state.getWebSockets(id)) {
        try {
          ws.close(SESSION_ENDED_CLOSE_CODE, 'session ended')
        } catch {
          // already closed
        }
      }
    }

    /** Makes the alarm fire by `expiresAt` (epoch seconds) at the latest. */
    async #alarmBy(expiresAt: number): Promise<void> {
      const at = expiresAt * 1000
      const current = await this.#state.storage.getAlarm()
      if (current === null || current > at) await this.#state.storage.setAlarm(at)
    }

    async read(id: string, now: number): Promise<SessionRow | null> {
      const row = this.#row(id)
      if (!row) return null
      if (row.expiresAt > now) return row
      this.#sql('DELETE FROM sesh_sessions WHERE id = ?', id) // expiry on read
      this.#end(id)
      return null
    }

    async write(write: RowWrite): Promise<boolean> {
      const { id, now } = write
      // No await between the read and the write: the object runs one at a time, so the check holds.
      const row = this.#row(id)
      const live = row !== undefined && row.expiresAt > now && !row.moved
      if (write.mode === 'live' && !live) return false
      if (write.mode === 'absent' && live) return false
      if (write.mode === 'version' && (!live || row.version !== write.expected)) return false
      const version = write.version ?? (live ? row.version + 1 : 1)
      this.#sql(
        'INSERT OR REPLACE INTO sesh_sessions (id, data, expires_at, created_at, version, user, moved) VALUES (?, ?, ?, ?, ?, ?, 0)',
        id,
        write.data,
        Math.floor(write.expiresAt),
        write.createdAt ?? null,
        version,
        write.user ?? null,
      )
      await this.#alarmBy(Math.floor(write.expiresAt))
      return true
    }

    async renew(id: string, expiresAt: number, now: number): Promise<boolean> {
      const at = Math.floor(expiresAt)
      const written =
        this.#sql('UPDATE sesh_sessions SET expires_at = ? WHERE id = ? AND expires_at > ? AND moved = 0', at, id, now).rowsWritten > 0
      if (written) await this.#alarmBy(at)
      return written
    }

    async move(move: RowMove): Promise<RowMoveResult> {
      const { from, now } = move
      // One synchronous step (no await until every row is written): nothing runs between the check and the writes.
      const row = this.#row(from)
      if (row === undefined || row.expiresAt <= now || row.moved) return 'gone'
      if (move.expected !== undefined && row.version !== move.expected) return 'conflict'
      const forwardUntil = Math.floor(move.forwardUntil)
      if (forwardUntil > now) {
        this.#sql(
          "UPDATE sesh_sessions SET data = '{}', expires_at = ?, version = version + 1, user = NULL, moved = 1 WHERE id = ?",
          forwardUntil,
          from,
        )
      } else {
        this.#sql('DELETE FROM sesh_sessions WHERE id = ?', from)
      }
      if (move.to !== undefined) {
        const { to } = move
        const expiresAt = Math.floor(to.expiresAt)
        this.#sql(
          'INSERT OR REPLACE INTO sesh_sessions (id, data, expires_at, created_at, version, user, moved) VALUES (?, ?, ?, ?, 1, ?, 0)',
          to.id,
          to.data,
          expiresAt,
          to.createdAt ?? null,
          to.user ?? null,
        )
        await this.#alarmBy(forwardUntil > now ? Math.min(forwardUntil, expiresAt) : expiresAt)
      } else if (forwardUntil > now) {
        await this.#alarmBy(forwardUntil)
      }
      // The old id's sockets were opened with the old cookie: closed like an ended session's, they reconnect with the new one.
      this.#end(from)
      return 'moved'
    }

    async remove(id: string): Promise<boolean> {
      const removed = this.#sql('DELETE FROM sesh_sessions WHERE id = ?', id).rowsWritten > 0
      this.#end(id)
      return removed
    }

    async page(after: string, limit: number, now: number, user?: string | null): Promise<RowPage> {
      const rows = (user === undefined || user === null
        ? this.#sql(
            `SELECT ${COLUMNS} FROM sesh_sessions WHERE id > ? AND expires_at > ? AND moved = 0 ORDER BY id LIMIT ?`,
            after,
            now,
            limit + 1,
          )
        : this.#sql(
            `SELECT ${COLUMNS} FROM sesh_sessions WHERE user = ? AND id > ? AND expires_at > ? AND moved = 0 ORDER BY id LIMIT ?`,
            user,
            after,
            now,
            limit + 1,
          )
      ).toArray() as unknown as ListedRow[]
      const more = rows.length > limit
      if (more) rows.pop()
      return { rows, more }
    }

    async tally(now: number): Promise<number> {
      // Sessions only (listing.ts's isSessionId): 24 base64url characters, and no WebSocket connection record.
      const query = `SELECT count(*) AS n FROM sesh_sessions WHERE expires_at > ? AND moved = 0 AND length(id) = 24
        AND id NOT GLOB '*[^A-Za-z0-9_-]*' AND substr(id, 1, 14) != 'ws-connection-'`
      return Number(this.#sql(query, now).toArray()[0]?.n ?? 0)
    }

    async alarm(): Promise<void> {
      const now = seconds()
      for (const { id } of this.#sql('DELETE FROM sesh_sessions WHERE expires_at <= ? RETURNING id', now).toArray()) this.#end(String(id))
      const next = this.#sql('SELECT min(expires_at) AS at FROM sesh_sessions').toArray()[0]?.at
      if (typeof next === 'number') await this.#state.storage.setAlarm(next * 1000)
    }

    async fetch(request: Request): Promise<Response> {
      if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket')
        return new Response('Expected a WebSocket upgrade', { status: 426 })
      const id = request.headers.get(SOCKET_HEADERS.id) ?? ''
      const ttl = Number(request.headers.get(SOCKET_HEADERS.ttl))
      const now = Number(request.headers.get(SOCKET_HEADERS.now))
      if (!id || !Number.isFinite(ttl) || ttl <= 0 || !Number.isFinite(now)) return new Response('Bad upgrade', { status: 400 })
      const row = await this.read(id, now)
      if (!row || row.moved) return new Response('No session: start one over HTTP first', { status: 401 })
      const pair = new WebSocketPair()
      const server = pair[1]
      this.#state.acceptWebSocket(server, [id])
      server.serializeAttachment({ id, ttl } satisfies Attachment)
      try {
        await this.socketOpen(this.#socket(server, { id, ttl }))
      } catch {
        server.close(1011, 'internal error')
      }
      return new Response(null, { status: 101, webSocket: pair[0] } as ResponseInit)
    }

    #socket(ws: HibernatableWebSocket, { id, ttl }: Attachment): ObjectSocket {
      const close = (code?: number, reason?: string) => {
        try {
          ws.close(code, reason)
        } catch {
          // already closed
        }
      }
      return {
        id,
        data: () => {
          const row = this.#row(id)
          const data = row && row.expiresAt > seconds() && !row.moved ? parseJsonObject(row.data) : undefined
          if (!data) close(SESSION_ENDED_CLOSE_CODE, 'session ended')
          return data
        },
        save: async (data: SessionData) => {
          const now = seconds()
          const json = JSON.stringify(data)
          const expiresAt = now + ttl
          // Only over a live session: a socket never brings back a session that ended.
          const saved =
            this.#sql(
              'UPDATE sesh_sessions SET data = ?, expires_at = max(expires_at, ?), version = version + 1 WHERE id = ? AND expires_at > ? AND moved = 0',
              json,
              expiresAt,
              id,
              now,
            ).rowsWritten > 0
          if (saved) await this.#alarmBy(expiresAt)
          else close(SESSION_ENDED_CLOSE_CODE, 'session ended')
          return saved
        },
        send: (message) => ws.send(message),
        close,
      }
    }

    socketOpen(_socket: ObjectSocket): void | Promise<void> {}

    socketMessage(_socket: ObjectSocket, _message: string | ArrayBuffer): void | Promise<void> {}

    async webSocketMessage(ws: HibernatableWebSocket, message: string | ArrayBuffer): Promise<void> {
      const attachment = ws.deserializeAttachment() as Attachment | null
      if (!attachment) return ws.close(1011, 'internal error')
      const socket = this.#socket(ws, attachment)
      if (socket.data() === undefined) return // ended: closed with 4401
      try {
        await this.socketMessage(socket, message)
      } catch {
        socket.close(1011, 'internal error')
      }
    }

    webSocketClose(ws: HibernatableWebSocket, code: number, reason: string): void {
      try {
        ws.close(code === 1005 || code === 1006 ? 1000 : code, reason)
      } catch {
        // already closed
      }
    }
  }
  return SessionObject as unknown as SessionObjectClass<Base>
}
