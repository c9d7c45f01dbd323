/**
 * The DynamoDB store, over any {@link DynamoCall}: Architect's item
 * `{ _idx, _secret, _ttl, ...data }`, strongly consistent reads, expired items
 * treated as absent, a size check before every write and opt-in optimistic
 * concurrency.
 *
 * @module
 */
import { randomId } from '../../crypto/keyring.js'
import { SessionNotSerializableError, SessionStoreUnavailableError, SessionTooLargeError } from '../../errors.js'
import { BASE, type ConcurrencyOptions, optimisticSet, resolveConcurrency, VERSION } from '../concurrency.js'
import { refuseChunks, serverStore } from '../server.js'
import type { KeeperCallOptions, RecordKeeper, SessionStore, StoredRecord } from '../contract.js'
import { type DynamoCall, errorName, send } from './call.js'
import { listing } from './listing.js'
import { type AttributeValue, type Item, ITEM_LIMIT, itemSize, marshal, protoKey, unmarshalItem } from './item.js'

/** Options of {@link dynamoSessionStore}. */
export interface DynamoSessionStoreOptions extends ConcurrencyOptions {
  /** The table: `_idx` (String) hash key, TTL on `_ttl` (see `createSessionTable`). */
  table: string
  /** Sends DynamoDB operations. */
  call: DynamoCall
  /**
   * Finding a user's sessions (the admin API): the name of the global secondary
   * index on the user key, or `false` to always Scan.
   * @default found with one DescribeTable call: an active index whose hash key is the user key
   */
  userIndex?: string | false | undefined
}

/** Attributes that are not session data. */
const ID = '_idx'
const SECRET = '_secret'
const TTL = '_ttl'
const CREATED = '_created'
const VERSION_ATTRIBUTE = '_version'
const META = new Set([ID, SECRET, TTL, CREATED, VERSION_ATTRIBUTE])

/** How many attempts the AWS SDK made (its errors carry `$metadata.attempts`); 1 when unknown. */
function attemptsOf(error: unknown): number {
  const attempts = (error as { $metadata?: { attempts?: unknown } } | null)?.$metadata?.attempts
  return typeof attempts === 'number' ? attempts : 1
}

function numberOf(attribute: AttributeValue | undefined): number | undefined {
  if (!attribute || !('N' in attribute)) return undefined
  const value = Number(attribute.N)
  return Number.isFinite(value) ? value : undefined
}

/**
 * A session store on a DynamoDB table, over a structural client. Most apps
 * want `dynamoStore()` from `seshjs/dynamodb`, which brings the AWS SDK client.
 *
 * @example
 * ```ts
 * const store = dynamoSessionStore({ table: 'sessions', call: (op, input) => myDynamo(op, input) })
 * ```
 * @param options the table and the client
 */
export function dynamoSessionStore(options: DynamoSessionStoreOptions): SessionStore {
  const { table, call } = options
  if (typeof table !== 'string' || table === '') throw new TypeError('dynamoStore: table must be a non-empty string')
  if (typeof call !== 'function') throw new TypeError('dynamoStore: a client is required')
  refuseChunks(options, 'dynamoStore')
  const concurrency = resolveConcurrency(options, 'dynamoStore')

  function toItem(id: string, record: StoredRecord, version: number | undefined): Item {
    const item: Item = Object.create(null)
    for (const key of Object.keys(record.data)) {
      if (META.has(key)) continue
      if (key === '__proto__') throw protoKey(key)
      Object.defineProperty(item, key, { value: marshal(record.data[key], key), enumerable: true, writable: true, configurable: true })
    }
    item[ID] = { S: id }
    const secret = record.extra?.[SECRET]
    item[SECRET] = { S: typeof secret === 'string' && secret !== '' ? secret : randomId() }
    item[TTL] = { N: String(Math.floor(record.expiresAt)) }
    if (record.createdAt !== undefined) item[CREATED] = { N: String(record.createdAt) }
    if (version !== undefined) item[VERSION_ATTRIBUTE] = { N: String(version) }
    const size = itemSize(item)
    if (size > ITEM_LIMIT) {
      throw new SessionTooLargeError(
        `The session is too large for DynamoDB: the item would be ${size} bytes, over the ${ITEM_LIMIT}-byte (400 KB) item limit.`,
        ITEM_LIMIT,
        size,
      )
    }
    return item
  }

  function extraOf(item: Item, version: number | undefined): Record<string, unknown> {
    return { [SECRET]: (item[SECRET] as { S: string }).S, ...(version === undefined ? {} : { [VERSION]: version }) }
  }

  async function get(id: string, now: number, options?: KeeperCallOptions): Promise<StoredRecord | undefined> {
    const input = { TableName: table, Key: { [ID]: { S: id } }, ConsistentRead: true }
    const output = await send(call, 'GetItem', input, [], options?.signal)
    const item = output.Item as Item | undefined
    return item && recordOf(item, now)
  }

  function recordOf(item: Item, now: number): StoredRecord | undefined {
    const secret = item[SECRET]
    // Like Architect, an item without a _secret is not a session; unlike it, an expired one is not either.
    if (!secret || !('S' in secret) || secret.S === '') return undefined
    const expiresAt = numberOf(item[TTL])
    if (expiresAt === undefined || expiresAt <= now) return undefined
    const rest: Item = {}
    for (const key of Object.keys(item)) if (!META.has(key)) rest[key] = item[key]!
    const data = unmarshalItem(rest)
    const extra: Record<string, unknown> = { [SECRET]: secret.S }
    if (concurrency.optimistic) {
      extra[VERSION] = numberOf(item[VERSION_ATTRIBUTE]) ?? 0
      extra[BASE] = JSON.stringify(data)
    }
    return { data, expiresAt, createdAt: numberOf(item[CREATED]), extra }
  }

  /**
   * PutItem, with the one validation failure a session can cause named: a
   * user index (`createSessionTable({ userKey })`) whose key holds a non-string.
   */
  async function putItem(input: Record<string, unknown>, conditional = false, signal?: AbortSignal): Promise<void> {
    const expected = conditional ? ['ConditionalCheckFailedException', 'ValidationException'] : ['ValidationException']
    try {
      await send(call, 'PutItem', input, expected, signal)
    } catch (error) {
      if (errorName(error) !== 'ValidationException') throw error
      const key = /Type mismatch for Index Key (.+?) Expected/.exec(String((error as Error).message))?.[1]
      if (key !== undefined) {
        throw new SessionNotSerializableError(
          `Session value for key "${key}" cannot be stored in this DynamoDB table: its user index needs the user id there as a string.`,
          key,
          { cause: error },
        )
      }
      throw new SessionStoreUnavailableError('DynamoDB PutItem failed (ValidationException).', { cause: error })
    }
  }

  async function put(id: string, record: StoredRecord, expected: number | undefined, signal?: AbortSignal): Promise<boolean> {
    const version = record.extra?.[VERSION] as number
    const item = toItem(id, record, version)
    const names: Record<string, string> = { '#idx': ID }
    const values: Record<string, AttributeValue> = {}
    let condition = 'attribute_not_exists(#idx)'
    if (expected === 0) {
      condition = 'attribute_exists(#idx) AND attribute_not_exists(#v)'
      names['#v'] = VERSION_ATTRIBUTE
    } else if (expected !== undefined) {
      condition = '#v = :v'
      names['#v'] = VERSION_ATTRIBUTE
      values[':v'] = { N: String(expected) }
      delete names['#idx']
    }
    try {
      await putItem(
        {
          TableName: table,
          Item: item,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ...(expected !== undefined && expected !== 0 ? { ExpressionAttributeValues: values } : {}),
        },
        true,
        signal,
      )
      record.extra = { ...record.extra, ...extraOf(item, version) }
      return true
    } catch (error) {
      if (errorName(error) !== 'ConditionalCheckFailedException') throw error
      // Retried by the client after an ambiguous failure (a reset or a timeout once the request
      // was sent), a conditional write may fail its condition because its first attempt landed.
      // Neither "conflict" nor "success" is known to be true: the outcome is unknown, like a timeout.
      if (attemptsOf(error) > 1) {
        throw new SessionStoreUnavailableError(
          'DynamoDB PutItem was retried and then failed its condition: whether the first attempt was written is unknown.',
          { cause: error },
        )
      }
      return false
    }
  }

  const keeper: RecordKeeper = {
    get,
    async set(id, record, now, options) {
      const signal = options?.signal
      if (concurrency.optimistic) {
        const conditional = {
          get: (key: string, at: number) => get(key, at, options),
          put: (key: string, next: StoredRecord, expected: number | undefined) => put(key, next, expected, signal),
        }
        return optimisticSet(conditional, id, record, now, concurrency)
      }
      const item = toItem(id, record, undefined)
      if (!options?.mustExist) {
        await putItem({ TableName: table, Item: item }, false, signal)
        return { ...record, extra: extraOf(item, undefined) }
      }
      // A rewrite of a session this request read: only over a live item, so a session revoked or
      // expired meanwhile is never brought back (the engine then ends the visitor's session).
      try {
        await putItem(
          {
            TableName: table,
            Item: item,
            ConditionExpression: 'attribute_exists(#secret) AND #ttl > :now',
            ExpressionAttributeNames: { '#secret': SECRET, '#ttl': TTL },
            ExpressionAttributeValues: { ':now': { N: String(now) } },
          },
          true,
          signal,
        )
      } catch (error) {
        if (errorName(error) === 'ConditionalCheckFailedException') return false
        throw error
      }
      return { ...record, extra: extraOf(item, undefined) }
    },
    async delete(id, options) {
      await send(call, 'DeleteItem', { TableName: table, Key: { [ID]: { S: id } } }, [], options?.signal)
    },
    async touch(id, expiresAt, now, options) {
      // Only _ttl changes: a renewal never writes data over a concurrent request's write, and the
      // condition keeps it from recreating an item deleted (a logout) or expired meanwhile.
      try {
        await send(
          call,
          'UpdateItem',
          {
            TableName: table,
            Key: { [ID]: { S: id } },
            UpdateExpression: 'SET #ttl = :ttl',
            ConditionExpression: 'attribute_exists(#secret) AND #ttl > :now',
            ExpressionAttributeNames: { '#ttl': TTL, '#secret': SECRET },
            ExpressionAttributeValues: { ':ttl': { N: String(Math.floor(expiresAt)) }, ':now': { N: String(now) } },
          },
          ['ConditionalCheckFailedException'],
          options?.signal,
        )
        return true
      } catch (error) {
        if (errorName(error) === 'ConditionalCheckFailedException') return false
        throw error
      }
    },
  }
  Object.assign(keeper, listing({ table, call, get, recordOf, userIndex: options.userIndex }))
  return serverStore(keeper)
}
