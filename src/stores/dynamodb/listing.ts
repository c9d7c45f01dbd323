/**
 * The DynamoDB store's optional listing calls (the admin API): a paginated,
 * strongly consistent Scan for everything, and a Query on the user index
 * (created by `createSessionTable({ userKey })`) for one user's sessions, a
 * filtered Scan without it.
 *
 * @module
 */
import { CONNECTION_RECORD_PREFIX, holdsUser, isSessionId, pageSize } from '../listing.js'
import type { ListedRecord, ListOptions, RecordKeeper, RecordPage, StoredRecord } from '../contract.js'
import { type DynamoCall, send } from './call.js'
import type { AttributeValue, Item } from './item.js'

const ID = '_idx'

/** What the listing needs from the store. @internal */
export interface ListingParts {
  table: string
  call: DynamoCall
  get(id: string, now: number): Promise<StoredRecord | undefined>
  recordOf(item: Item, now: number): StoredRecord | undefined
  userIndex: string | false | undefined
}

interface Described {
  Table?: {
    GlobalSecondaryIndexes?: {
      IndexName?: string
      IndexStatus?: string
      KeySchema?: { AttributeName?: string; KeyType?: string }[]
    }[]
  }
}

/**
 * A filter for live sessions: `_secret` present (Architect's rule), `_ttl` in
 * the future, and an id a session can have (24 characters, not a WebSocket
 * connection record's; the characters themselves are checked on each item read).
 */
function liveFilter(now: number) {
  return {
    expression: 'attribute_exists(#secret) AND #ttl > :now AND size(#id) = :idLength AND NOT begins_with(#id, :connection)',
    names: { '#secret': '_secret', '#ttl': '_ttl', '#id': ID },
    values: { ':now': { N: String(now) }, ':idLength': { N: '24' }, ':connection': { S: CONNECTION_RECORD_PREFIX } } as Record<
      string,
      AttributeValue
    >,
  }
}

function cursorOf(output: Record<string, unknown>): string | undefined {
  const key = output.LastEvaluatedKey as Item | undefined
  const id = key?.[ID]
  return id && 'S' in id ? id.S : undefined
}

/**
 * The listing calls for a DynamoDB keeper.
 *
 * @param parts the table, the client and the store's own readers
 */
export function listing(parts: ListingParts): Pick<Required<RecordKeeper>, 'list' | 'count' | 'listByUser'> {
  const { table, call, get, recordOf } = parts
  const indexes = new Map<string, Promise<string | undefined>>()

  async function scan(
    options: ListOptions,
    filter?: { expression: string; names: Record<string, string>; values: Record<string, AttributeValue> },
  ) {
    const live = liveFilter(options.now)
    const output = await send(call, 'Scan', {
      TableName: table,
      ConsistentRead: true,
      Limit: pageSize(options.limit),
      FilterExpression: filter ? `${live.expression} AND (${filter.expression})` : live.expression,
      ExpressionAttributeNames: { ...live.names, ...filter?.names },
      ExpressionAttributeValues: { ...live.values, ...filter?.values },
      ...(options.cursor === undefined ? {} : { ExclusiveStartKey: { [ID]: { S: options.cursor } } }),
    })
    const records: ListedRecord[] = []
    for (const item of (output.Items ?? []) as Item[]) {
      const id = item[ID]
      const record = id && 'S' in id && isSessionId(id.S) ? recordOf(item, options.now) : undefined
      if (record) records.push({ id: (id as { S: string }).S, ...record })
    }
    return { records, cursor: cursorOf(output) }
  }

  function indexFor(userKey: string): Promise<string | undefined> {
    if (parts.userIndex !== undefined) return Promise.resolve(parts.userIndex || undefined)
    let found = indexes.get(userKey)
    if (!found) {
      found = send(call, 'DescribeTable', { TableName: table }).then((output) => {
        const index = (output as Described).Table?.GlobalSecondaryIndexes?.find(
          (gsi) =>
            (gsi.IndexStatus === undefined || gsi.IndexStatus === 'ACTIVE') &&
            gsi.KeySchema?.some((key) => key.KeyType === 'HASH' && key.AttributeName === userKey),
        )
        return index?.IndexName
      })
      found.catch(() => indexes.delete(userKey)) // retry after a failure
      indexes.set(userKey, found)
    }
    return found
  }

  return {
    list: (options) => scan(options),

    async count(now) {
      const live = liveFilter(now)
      let total = 0
      let start: Item | undefined
      do {
        const output = await send(call, 'Scan', {
          TableName: table,
          Select: 'COUNT',
          FilterExpression: live.expression,
          ExpressionAttributeNames: live.names,
          ExpressionAttributeValues: live.values,
          ...(start ? { ExclusiveStartKey: start } : {}),
        })
        total += Number(output.Count ?? 0)
        start = output.LastEvaluatedKey as Item | undefined
      } while (start)
      return total
    },

    async listByUser(userKey, userId, options): Promise<RecordPage> {
      const index = await indexFor(userKey)
      if (index === undefined) {
        // No index: a Scan that reads the whole table, page by page, keeping the user's sessions.
        const values: Record<string, AttributeValue> = { ':user': { S: userId } }
        let expression = '#user = :user'
        if (/^-?\d+(\.\d+)?$/.test(userId)) {
          values[':userNumber'] = { N: userId }
          expression += ' OR #user = :userNumber'
        }
        const page = await scan(options, { expression, names: { '#user': userKey }, values })
        return { ...page, records: page.records.filter((record) => holdsUser(record.data, userKey, userId)) }
      }
      // The index is eventually consistent and may project only keys: read each session itself.
      const output = await send(call, 'Query', {
        TableName: table,
        IndexName: index,
        KeyConditionExpression: '#user = :user',
        ExpressionAttributeNames: { '#user': userKey },
        ExpressionAttributeValues: { ':user': { S: userId } },
        Limit: pageSize(options.limit),
        ...(options.cursor === undefined ? {} : { ExclusiveStartKey: { [ID]: { S: options.cursor }, [userKey]: { S: userId } } }),
      })
      const records: ListedRecord[] = []
      for (const item of (output.Items ?? []) as Item[]) {
        const id = item[ID]
        if (!id || !('S' in id) || !isSessionId(id.S)) continue
        const record = await get(id.S, options.now)
        if (record && holdsUser(record.data, userKey, userId)) records.push({ id: id.S, ...record })
      }
      return { records, cursor: cursorOf(output) }
    },
  }
}
