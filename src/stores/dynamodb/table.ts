/**
 * Creates the sessions table the way Architect declares it (`_idx *String`,
 * `_ttl TTL`), on demand billing; safe to run again.
 *
 * @module
 */
import { SessionStoreUnavailableError } from '../../errors.js'
import { type DynamoCall, errorName, send } from './call.js'

/** Options of {@link createTable}. */
export interface CreateTableOptions {
  /** The table name. */
  table: string
  /** Sends DynamoDB operations. */
  call: DynamoCall
  /**
   * How long to wait for a new table (or index) to become active, in milliseconds.
   * @default 60000
   */
  timeoutMs?: number | undefined
  /**
   * Also keep a global secondary index on this session key (it must hold the
   * user id as a string), so a user's sessions are found with a Query instead
   * of a Scan. Added to an existing table that lacks it.
   */
  userKey?: string | undefined
}

/**
 * The name of the user index on `userKey`.
 *
 * @param userKey the session key holding the user id
 */
export function userIndexName(userKey: string): string {
  return `by-${userKey.replace(/[^A-Za-z0-9_.-]/g, '_')}`.slice(0, 255)
}

interface Throughput {
  ReadCapacityUnits?: number
  WriteCapacityUnits?: number
}

const pick = (throughput: Throughput) => ({
  ReadCapacityUnits: throughput.ReadCapacityUnits,
  WriteCapacityUnits: throughput.WriteCapacityUnits,
})

interface TableDescription {
  TableStatus?: string
  BillingModeSummary?: { BillingMode?: string }
  ProvisionedThroughput?: Throughput
  GlobalSecondaryIndexes?: { IndexName?: string; IndexStatus?: string; KeySchema?: { AttributeName?: string; KeyType?: string }[] }[]
}

async function describe(call: DynamoCall, table: string): Promise<TableDescription | undefined> {
  return ((await send(call, 'DescribeTable', { TableName: table })) as { Table?: TableDescription }).Table
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
  const { table, call, timeoutMs = 60_000, userKey } = options
  if (typeof table !== 'string' || table === '') throw new TypeError('createSessionTable: table must be a non-empty string')
  if (userKey !== undefined && (typeof userKey !== 'string' || userKey === '' || userKey.startsWith('_'))) {
    throw new TypeError('createSessionTable: userKey must be a session key (a non-empty string not starting with "_")')
  }
  const index =
    userKey === undefined
      ? undefined
      : {
          IndexName: userIndexName(userKey),
          KeySchema: [{ AttributeName: userKey, KeyType: 'HASH' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        }
  const userAttribute = userKey === undefined ? [] : [{ AttributeName: userKey, AttributeType: 'S' }]
  let created = true
  try {
    await send(
      call,
      'CreateTable',
      {
        TableName: table,
        AttributeDefinitions: [{ AttributeName: '_idx', AttributeType: 'S' }, ...userAttribute],
        KeySchema: [{ AttributeName: '_idx', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        ...(index ? { GlobalSecondaryIndexes: [index] } : {}),
      },
      ['ResourceInUseException'],
    )
  } catch (error) {
    if (errorName(error) !== 'ResourceInUseException') throw error
    created = false
  }

  const deadline = Date.now() + timeoutMs
  const userIndexOf = (described: TableDescription) =>
    (described.GlobalSecondaryIndexes ?? []).find((gsi) =>
      gsi.KeySchema?.some((key) => key.KeyType === 'HASH' && key.AttributeName === userKey),
    )
  const active = async (what: string, needIndex = false) => {
    for (let delay = 50; ; delay = Math.min(delay * 2, 2000)) {
      const described = await describe(call, table)
      const indexes = described?.GlobalSecondaryIndexes ?? []
      const ready =
        described?.TableStatus === 'ACTIVE' &&
        indexes.every((gsi) => (gsi.IndexStatus ?? 'ACTIVE') === 'ACTIVE') &&
        (!needIndex || userIndexOf(described) !== undefined)
      if (ready) return described
      if (Date.now() > deadline)
        throw new SessionStoreUnavailableError(`createSessionTable: ${what} of table "${table}" did not become active in time`)
      await sleep(delay)
    }
  }
  const described = await active('the table')
  if (index && !userIndexOf(described)) {
    const update = (create: Record<string, unknown>) =>
      send(
        call,
        'UpdateTable',
        { TableName: table, AttributeDefinitions: userAttribute, GlobalSecondaryIndexUpdates: [{ Create: create }] },
        ['ValidationException'],
      )
    const throughput = described.ProvisionedThroughput
    const provisioned = described.BillingModeSummary?.BillingMode !== 'PAY_PER_REQUEST' && throughput?.ReadCapacityUnits
    let output: Record<string, unknown>
    try {
      output = await update(provisioned ? { ...index, ProvisionedThroughput: pick(throughput) } : index)
    } catch (error) {
      // dynalite (Architect's sandbox) wants a throughput even on an on-demand table; DynamoDB refuses one there.
      if (errorName(error) !== 'ValidationException' || !/provisionedThroughput/i.test(String((error as Error).message))) {
        throw new SessionStoreUnavailableError('DynamoDB UpdateTable failed (ValidationException).', { cause: error })
      }
      output = await update({ ...index, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } })
    }
    const taken = (output as { TableDescription?: TableDescription }).TableDescription
    if (taken && !userIndexOf(taken)) {
      // DynamoDB answers with the index (CREATING); dynalite accepts the call and ignores it.
      throw new SessionStoreUnavailableError(
        `This DynamoDB did not add the user index to the existing table "${table}" (emulators such as dynalite cannot): ` +
          'create the table afresh with the user key, or let the admin API scan.',
      )
    }
    await active('the user index', true)
  }

  const ttl = (await send(call, 'DescribeTimeToLive', { TableName: table })) as {
    TimeToLiveDescription?: { TimeToLiveStatus?: string; AttributeName?: string }
  }
  const status = ttl.TimeToLiveDescription?.TimeToLiveStatus
  if (status !== 'ENABLED' && status !== 'ENABLING') {
    try {
      await send(call, 'UpdateTimeToLive', { TableName: table, TimeToLiveSpecification: { AttributeName: '_ttl', Enabled: true } }, [
        'UnknownOperationException',
        'UnrecognizedClientException',
        'ValidationException',
      ])
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
