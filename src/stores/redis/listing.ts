/**
 * The Redis store's listings (the admin API): SCAN over every session key
 * (every primary, on a cluster), and ZSCAN over a user's index. A cursor
 * names the node, Redis's own cursor, and the ids already found but not yet
 * examined, so a page never examines more than its `limit` however many keys
 * one SCAN returns (Redis's COUNT is a hint).
 *
 * @module
 */
import { SessionStoreUnavailableError } from '../../errors.js'
import { holdsUser, isSessionId, pageSize } from '../listing.js'
import type { KeeperCallOptions, ListedRecord, ListOptions, RecordKeeper, RecordPage, StoredRecord } from '../contract.js'
import { type RedisConnection, send } from './connection.js'

/** `<node>.<Redis cursor>[.<id>,<id>...]` */
const CURSOR_SHAPE = /^(\d{1,4})\.(\d{1,20})(?:\.([A-Za-z0-9_,-]*))?$/
/** Sessions a page reads at once. */
const READS_AT_ONCE = 16
/** SCAN calls one page makes at most while it finds fewer ids than its limit. */
const SCANS_PER_PAGE = 10

interface Position {
  node: number
  cursor: string
  pending: string[]
}

function parseCursor(cursor: string | undefined): Position {
  if (cursor === undefined) return { node: 0, cursor: '0', pending: [] }
  const match = CURSOR_SHAPE.exec(cursor)
  if (!match) throw new TypeError('cursor is not one this Redis store returned')
  return { node: Number(match[1]), cursor: match[2]!, pending: match[3] ? match[3].split(',').filter(Boolean) : [] }
}

/** Escapes SCAN MATCH's glob characters. */
const glob = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&')

/** One SCAN-like call: Redis's next cursor ('0' when done) and the ids found. */
type Scan = (node: RedisConnection, cursor: string, count: number) => Promise<[string, string[]]>

function scanReply(reply: unknown): [string, unknown[]] {
  if (!Array.isArray(reply) || reply.length !== 2 || !Array.isArray(reply[1])) {
    throw new SessionStoreUnavailableError('Redis answered a SCAN with something that is not [cursor, keys].')
  }
  return [String(reply[0]), reply[1] as unknown[]]
}

/** What {@link listing} needs from the store. */
export interface ListingParts {
  connection: RedisConnection
  prefix: string
  get(id: string, now: number, options?: KeeperCallOptions): Promise<StoredRecord | undefined>
  userKey?: string
  indexKey?(user: string): string
}

/**
 * The optional listing calls of the Redis store's keeper.
 *
 * @param parts the connection, the prefix, the store's `get` and its user index
 */
export function listing(parts: ListingParts): Pick<RecordKeeper, 'list' | 'count' | 'listByUser'> {
  const { connection, prefix, get, userKey, indexKey } = parts
  const pattern = `${glob(prefix)}*`

  const nodes = async () => (connection.primaries ? await connection.primaries() : [connection])

  const scanSessions: Scan = async (node, cursor, count) => {
    const [next, keys] = scanReply(await send(node, ['SCAN', cursor, 'MATCH', pattern, 'COUNT', String(count), 'TYPE', 'hash'], {}))
    const ids = keys
      .map(String)
      .filter((key) => key.startsWith(prefix))
      .map((key) => key.slice(prefix.length))
    return [next, ids.filter(isSessionId)] // never a key no session can have, nor a connection record
  }

  /** One page over `from` (the nodes to visit in turn), reading each id found. */
  async function page(
    from: RedisConnection[],
    scan: Scan,
    options: ListOptions,
    keep: (record: ListedRecord) => boolean,
  ): Promise<RecordPage> {
    const size = pageSize(options.limit)
    let { node, cursor, pending } = parseCursor(options.cursor)
    const seen = new Set(pending)
    for (let scans = 0; pending.length < size && node < from.length && scans < SCANS_PER_PAGE; scans++) {
      const [next, ids] = await scan(from[node]!, cursor, size)
      for (const id of ids) {
        if (seen.has(id)) continue // SCAN may return a key twice
        seen.add(id)
        pending.push(id)
      }
      if (next === '0') {
        node++
        cursor = '0'
      } else cursor = next
    }
    const examined = pending.slice(0, size)
    const rest = pending.slice(size)
    const records: ListedRecord[] = []
    // A few reads at a time: pipelined by the client, and far below its queue's cap.
    for (let at = 0; at < examined.length; at += READS_AT_ONCE) {
      const batch = examined.slice(at, at + READS_AT_ONCE)
      const found = await Promise.all(batch.map((id) => get(id, options.now)))
      found.forEach((record, i) => {
        const listed = record && { id: batch[i]!, ...record }
        if (listed && keep(listed)) records.push(listed)
      })
    }
    const done = node >= from.length && rest.length === 0
    return { records, ...(done ? {} : { cursor: `${node}.${cursor}${rest.length ? `.${rest.join(',')}` : ''}` }) }
  }

  const all = () => true

  return {
    async list(options) {
      return page(await nodes(), scanSessions, options, all)
    },
    async count() {
      // Redis expires session keys itself: the live sessions are the keys it holds.
      let total = 0
      for (const node of await nodes()) {
        let cursor = '0'
        do {
          const [next, ids] = await scanSessions(node, cursor, 1000)
          total += ids.length
          cursor = next
        } while (cursor !== '0')
      }
      return total
    },
    async listByUser(key, userId, options) {
      const holds = (record: ListedRecord) => holdsUser(record.data, key, userId)
      if (key !== userKey || !indexKey) return page(await nodes(), scanSessions, options, holds)
      const index = indexKey(userId)
      const scanIndex: Scan = async (node, cursor, count) => {
        const [next, flat] = scanReply(await send(node, ['ZSCAN', index, cursor, 'COUNT', String(count)], { key: index }))
        const ids: string[] = []
        for (let i = 0; i + 1 < flat.length; i += 2) {
          const id = String(flat[i])
          if (Number(flat[i + 1]) > options.now && isSessionId(id)) ids.push(id) // ended sessions are skipped unread
        }
        return [next, ids]
      }
      // The index is advisory: every entry is checked against the session itself.
      return page([connection], scanIndex, options, holds)
    },
  }
}
