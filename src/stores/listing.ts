/**
 * Small helpers shared by the stores' optional listing calls.
 *
 * @module
 */
import type { ListedRecord, ListOptions, RecordPage, SessionData, StoredRecord } from './store.js'

/** Records a page examines when the caller names no limit. */
export const DEFAULT_PAGE = 100
/** The most records one page examines. */
export const MAX_PAGE = 1000

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
  const after = [...ids].filter((id) => cursor === undefined || id > cursor).sort()
  const examined = after.slice(0, size)
  const records: ListedRecord[] = []
  for (const id of examined) {
    const record = await get(id, now)
    if (record) records.push({ id, ...record })
  }
  return { records, cursor: after.length > size ? examined.at(-1) : undefined }
}
