/**
 * Small helpers shared by the stores' optional listing calls.
 *
 * @module
 */
import type { ListedRecord, ListOptions, RecordPage, SessionData, StoredRecord } from './contract.js'

/** Records a page examines when the caller names no limit. */
export const DEFAULT_PAGE = 100
/** The most records one page examines. */
export const MAX_PAGE = 1000

/** Every session id's shape: 24 base64url characters (`randomId()`'s 18 random bytes; Architect's and its Python port's ids too). */
const SESSION_ID_SHAPE = /^[A-Za-z0-9_-]{24}$/

/**
 * The id prefix of the WebSocket connection records `seshjs/architect`'s `ws()`
 * keeps in the session store (`architect/ws.ts` writes it): records
 * beside the sessions, never sessions themselves.
 */
export const CONNECTION_RECORD_PREFIX = 'ws-connection-'

/**
 * Whether `id` can name a session: the shape of the ids sesh makes, and not a
 * WebSocket connection record's. Listings and counts keep only these, and the
 * admin API refuses anything else before it reaches the store, so a store key
 * that no session can have (a Redis `session:config`, a user index, another
 * application's DynamoDB item) is never listed, printed or deleted.
 *
 * @example
 * ```ts
 * isSessionId('VDplXe5Jmc-mMyOIn3DQae6v') // true
 * isSessionId('config') // false
 * ```
 * @param id the candidate
 */
export function isSessionId(id: unknown): id is string {
  return typeof id === 'string' && SESSION_ID_SHAPE.test(id) && !id.startsWith(CONNECTION_RECORD_PREFIX)
}

/**
 * The page size to use: `limit` checked and capped.
 *
 * @param limit the caller's limit
 */
export function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE
  if (!Number.isInteger(limit) || limit < 1) throw new TypeError('limit must be a positive integer')
  return Math.min(limit, MAX_PAGE)
}

/**
 * Whether `data` names `userId` under `userKey` (a string, or a number written as one).
 *
 * @param data the session data
 * @param userKey the top-level key holding the user id
 * @param userId the user id
 */
export function holdsUser(data: SessionData, userKey: string, userId: string): boolean {
  if (!Object.hasOwn(data, userKey)) return false
  const value = data[userKey]
  return (typeof value === 'string' || typeof value === 'number') && String(value) === userId
}

/**
 * One page over ids kept in memory, in id order, so a cursor (the last id
 * examined) stays valid while records come and go.
 *
 * @param ids every id the store holds
 * @param options the cursor and limit
 * @param get reads one live record
 */
export async function pageOfIds(
  ids: Iterable<string>,
  options: ListOptions,
  get: (id: string, now: number) => Promise<StoredRecord | undefined>,
): Promise<RecordPage> {
  const size = pageSize(options.limit)
  const { cursor, now } = options
  const after = [...ids].filter((id) => (cursor === undefined || id > cursor) && isSessionId(id)).sort()
  const examined = after.slice(0, size)
  const records: ListedRecord[] = []
  for (const id of examined) {
    const record = await get(id, now)
    if (record) records.push({ id, ...record })
  }
  return { records, cursor: after.length > size ? examined.at(-1) : undefined }
}
