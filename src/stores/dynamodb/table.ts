/**
 * Creates the sessions table the way Architect declares it (`_idx *String`,
 * `_ttl TTL`), on demand billing; safe to run again.
 *
 * @module
 */
import { type DynamoCall, errorName, send } from './call.js'

/** Options of {@link createTable}. */
export interface CreateTableOptions {
  /** The table name. */
  table: string
  /** Sends DynamoDB operations. */
  call: DynamoCall
  /**
   * How long to wait for a new table to become active, in milliseconds.
   * @default 60000
   */
  timeoutMs?: number | undefined
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Creates the table if it does not exist, waits until it is active and turns
 * TTL on for `_ttl` unless it already is. Resolves with `true` when it created
 * the table. Failures are `SessionStoreUnavailableError`s carrying the cause.
 *
 * @example
 * ```ts
 * await createTable({ table: 'sessions', call })
 * ```
 * @param options the table and the client
 */
export async function createTable(options: CreateTableOptions): Promise<boolean> {
  const { table, call, timeoutMs = 60_000 } = options
  if (typeof table !== 'string' || table === '') throw new TypeError('createSessionTable: table must be a non-empty string')
  let created = true
  try {
    await send(
      call,
      'CreateTable',
      {
        TableName: table,
        AttributeDefinitions: [{ AttributeName: '_idx', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: '_idx', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      },
      ['ResourceInUseException'],
    )
  } catch (error) {
    if (errorName(error) !== 'ResourceInUseException') throw error
    created = false
  }

  const deadline = Date.now() + timeoutMs
  for (let delay = 50; ; delay = Math.min(delay * 2, 2000)) {
    const { Table } = (await send(call, 'DescribeTable', { TableName: table })) as { Table?: { TableStatus?: string } }
    if (Table?.TableStatus === 'ACTIVE') break
    if (Date.now() > deadline) throw new Error(`createSessionTable: table "${table}" did not become active in time`)
    await sleep(delay)
  }

  const ttl = (await send(call, 'DescribeTimeToLive', { TableName: table })) as {
    TimeToLiveDescription?: { TimeToLiveStatus?: string; AttributeName?: string }
  }
  const status = ttl.TimeToLiveDescription?.TimeToLiveStatus
  if (status !== 'ENABLED' && status !== 'ENABLING') {
    try {
      await send(
        call,
        'UpdateTimeToLive',
        { TableName: table, TimeToLiveSpecification: { AttributeName: '_ttl', Enabled: true } },
        ['UnknownOperationException', 'UnrecognizedClientException', 'ValidationException'],
      )
    } catch (error) {
      // Local emulators (dynalite) have no TTL: fine, sesh checks _ttl on read anyway.
      // A ValidationException here means TTL is already on (a race with another set-up).
      const name = errorName(error)
      if (name !== 'UnknownOperationException' && name !== 'UnrecognizedClientException' && name !== 'ValidationException') {
        throw error
      }
    }
  }
  return created
}
