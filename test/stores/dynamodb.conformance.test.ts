import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DescribeTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb'
import { createSessions, SessionNotSerializableError } from 'seshjs'
import { createAdmin } from 'seshjs/admin'
import { SECRET } from '../helpers.js'
import { createSessionTable, dynamoStore, type DynamoClient } from 'seshjs/dynamodb'
import { describeStore } from './conformance.js'
import { describeAdmin } from './admin-conformance.js'
import { describeListing } from './listing-conformance.js'
import { describeInterleavings } from './interleaving.js'
import { type Dynalite, startDynalite } from './dynalite.js'

const TABLE = 'sessions'
const INDEXED = 'sessions-by-user'
const LIMIT = 400 * 1024
let dynamo: Dynalite
let calls = 0
let counted: DynamoClient
let deadEndpoint: string

beforeAll(async () => {
  dynamo = await startDynalite()
  await createSessionTable({ table: TABLE, client: dynamo.client })
  await createSessionTable({ table: INDEXED, client: dynamo.client, userKey: 'user' })
  counted = { send: (command) => (calls++, dynamo.client.send(command)) }
  const closed = createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  deadEndpoint = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`
  await new Promise((resolve) => closed.close(resolve))
})

afterAll(async () => {
  await dynamo?.close()
})

describeStore('DynamoDB (dynalite)', {
  make: (options) => dynamoStore({ table: TABLE, client: counted, ...options }),
  keepsRecords: true,
  optimistic: true,
  renewsInPlace: true,
  refusesProtoKey: true,
  backendCalls: () => calls,
  async peek(id) {
    const { Item } = await dynamo.client.send(new GetItemCommand({ TableName: TABLE, Key: { _idx: { S: id } }, ConsistentRead: true }))
    return Item
  },
  limit: { fits: { blob: 'x'.repeat(LIMIT - 200) }, tooLarge: { blob: 'x'.repeat(LIMIT) }, bytes: LIMIT },
  failing: () =>
    dynamoStore({
      table: TABLE,
      client: new DynamoDBClient({
        endpoint: deadEndpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
      }),
    }),
})

describeListing('DynamoDB (dynalite), user index', { make: () => dynamoStore({ table: INDEXED, client: dynamo.client }) })
describeListing('DynamoDB (dynalite), Scan', { make: () => dynamoStore({ table: TABLE, client: dynamo.client }) })

describe('DynamoDB user index', () => {
  it('createSessionTable({ userKey }) is idempotent; the store finds the index once and Queries it', async () => {
    expect(await createSessionTable({ table: 'plain', client: dynamo.client, userKey: 'account' })).toBe(true)
    expect(await createSessionTable({ table: 'plain', client: dynamo.client, userKey: 'account' })).toBe(false)
    const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName: 'plain' }))
    expect(Table?.GlobalSecondaryIndexes?.map((gsi) => [gsi.IndexName, gsi.KeySchema?.[0]?.AttributeName])).toEqual([
      ['by-account', 'account'],
    ])
    // dynalite cannot add an index to an existing table: said plainly, at once, instead of a wait
    const error = await createSessionTable({ table: TABLE, client: dynamo.client, userKey: 'account' }).catch((e: unknown) => e)
    expect(String(error)).toMatch(/did not add the user index to the existing table "sessions"/)

    const operations: string[] = []
    const client: DynamoClient = { send: (command) => (operations.push(command.constructor.name), dynamo.client.send(command)) }
    const store = dynamoStore({ table: 'plain', client })
    const engine = createSessions({ secret: SECRET, store })
    const session = await engine.load(new Request('http://localhost/'))
    session.set('account', 'acct-1')
    await engine.commit(session, new Response())
    operations.length = 0
    const now = Math.floor(Date.now() / 1000)
    const page = await store.records!.listByUser!('account', 'acct-1', { now })
    expect(page.records.map((record) => record.data)).toEqual([{ account: 'acct-1' }])
    await store.records!.listByUser!('account', 'acct-2', { now })
    expect(operations).toEqual(['DescribeTableCommand', 'QueryCommand', 'GetItemCommand', 'QueryCommand']) // described once
    operations.length = 0
    await dynamoStore({ table: 'plain', client, userIndex: false }).records!.listByUser!('account', 'acct-1', { now })
    expect(operations).toEqual(['ScanCommand'])
  })

  it('a non-string under the indexed key is a SessionNotSerializableError naming the key, not an outage', async () => {
    const engine = createSessions({ secret: SECRET, store: dynamoStore({ table: INDEXED, client: dynamo.client }) })
    const session = await engine.load(new Request('http://localhost/'))
    session.set('user', { name: 'Ada' })
    const error = await engine.commit(session, new Response()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SessionNotSerializableError)
    expect((error as SessionNotSerializableError).key).toBe('user')
  })
})

describeAdmin('DynamoDB (dynalite), user index', { make: () => dynamoStore({ table: INDEXED, client: dynamo.client }) })
describeAdmin('DynamoDB (dynalite), Scan', { make: () => dynamoStore({ table: TABLE, client: dynamo.client }) })

describeInterleavings('DynamoDB (dynalite)', {
  make: (options) => dynamoStore({ table: INDEXED, client: dynamo.client, ...options }),
  optimistic: true,
})

describe('DynamoDB: sessions written by Architect', () => {
  it("an item in @architect/functions' format is listed by user (Query), shown, patched and revoked", async () => {
    const admin = createAdmin(createSessions({ secret: SECRET, store: dynamoStore({ table: INDEXED, client: dynamo.client }) }))
    const id = 'ArchitectWrote0123456789'
    const ttl = Math.floor(Date.now() / 1000) + 3600
    // exactly what arc.http.session.write puts: { _idx, _secret, _ttl, ...data }
    await dynamo.client.send(
      new PutItemCommand({
        TableName: INDEXED,
        Item: {
          _idx: { S: id },
          _secret: { S: 'architect-secret-0123456' },
          _ttl: { N: String(ttl) },
          user: { S: 'linus' },
          n: { N: '1' },
        },
      }),
    )
    expect((await admin.list({ user: 'linus' })).sessions).toEqual([
      { id, data: { user: 'linus', n: 1 }, issuedAt: ttl - 7 * 24 * 3600, expiresAt: ttl },
    ])
    expect((await admin.patch(id, { n: 2 }))?.data).toEqual({ user: 'linus', n: 2 })
    const { Item } = await dynamo.client.send(new GetItemCommand({ TableName: INDEXED, Key: { _idx: { S: id } }, ConsistentRead: true }))
    expect(Item).toMatchObject({ _secret: { S: 'architect-secret-0123456' }, user: { S: 'linus' }, n: { N: '2' } }) // still Architect's item
    expect(await admin.revokeUser('linus')).toBe(1)
    expect(await admin.get(id)).toBeUndefined()
  })
})
