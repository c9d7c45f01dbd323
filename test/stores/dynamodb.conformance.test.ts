import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll } from 'vitest'
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb'
import { createSessionTable, dynamoStore, type DynamoClient } from 'seshjs/dynamodb'
import { describeStore } from './conformance.js'
import { type Dynalite, startDynalite } from './dynalite.js'

const TABLE = 'sessions'
const LIMIT = 400 * 1024
let dynamo: Dynalite
let calls = 0
let counted: DynamoClient
let deadEndpoint: string

beforeAll(async () => {
  dynamo = await startDynalite()
  await createSessionTable({ table: TABLE, client: dynamo.client })
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
