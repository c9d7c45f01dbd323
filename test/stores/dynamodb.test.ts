/**
 * DynamoDB specifics against a real dynalite: Architect's exact item and
 * cookie, expiry and foreign items, consistent reads, the size limit at its
 * boundary, the optimistic version attribute, and table set-up.
 */
import { DeleteItemCommand, DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSessions, SessionNotSerializableError, SessionTooLargeError } from 'seshjs'
import { createSessionTable, type DynamoClient, dynamoStore } from 'seshjs/dynamodb'
import { ITEM_LIMIT, itemSize, marshal, unmarshalItem } from '../../src/stores/dynamodb/item.js'
import { manualClock, SECRET } from '../helpers.js'
import { type Dynalite, startDynalite } from './dynalite.js'

const TABLE = 'sessions'
let dynamo: Dynalite
let sent: { name: string; input: Record<string, unknown> }[] = []
let client: DynamoClient

beforeAll(async () => {
  dynamo = await startDynalite()
  await createSessionTable({ table: TABLE, client: dynamo.client })
  client = { send: (command) => (sent.push({ name: command.constructor.name, input: command.input }), dynamo.client.send(command)) }
})
afterAll(async () => {
  await dynamo?.close()
})

// Architect's verified vector (reference §4.2–4.3).
const ARC_ID = 'VDplXe5Jmc-mMyOIn3DQae6v'
const ARC_SECRET_ATTR = 'SFGF_LoQWSzVebwefE_-39oa'
const ARC_COOKIE = `_idx=${ARC_ID}.5PS6AEfkf%2Fdw%2FykGnh3tFj0OnK5koeaH%2FVuaQfACtSU`

const rawItem = async (id: string) =>
  (await dynamo.client.send(new GetItemCommand({ TableName: TABLE, Key: { _idx: { S: id } }, ConsistentRead: true }))).Item
const put = (item: Record<string, unknown>) => dynamo.client.send(new PutItemCommand({ TableName: TABLE, Item: item as never }))
const request = (cookie?: string) => new Request('http://localhost/', cookie ? { headers: { cookie } } : {})

describe('the Architect item', () => {
  it("reads an item Architect wrote with Architect's cookie, and writes it back in Architect's shape", async () => {
    const clock = manualClock()
    const now = Math.floor(clock.now() / 1000)
    await put({ _idx: { S: ARC_ID }, _secret: { S: ARC_SECRET_ATTR }, _ttl: { N: String(now + 604800) }, count: { N: '1' } })
    const engine = createSessions({ secret: SECRET, store: dynamoStore({ table: TABLE, client }), now: clock.now })
    sent = []
    const session = await engine.load(request(ARC_COOKIE))
    expect(await session.get('count')).toBe(1)
    expect(sent[0]).toEqual({
      name: 'GetItemCommand',
      input: { TableName: TABLE, Key: { _idx: { S: ARC_ID } }, ConsistentRead: true }, // strongly consistent
    })
    clock.advance(10)
    session.set('count', 2)
    const setCookie = (await engine.commit(session, new Response())).headers.get('set-cookie')!
    expect(setCookie.split(';')[0]).toBe(ARC_COOKIE) // same id, same signature, same percent-encoding
    expect(await rawItem(ARC_ID)).toEqual({
      _idx: { S: ARC_ID },
      _secret: { S: ARC_SECRET_ATTR }, // preserved across writes
      _ttl: { N: String(now + 10 + 604800) }, // epoch seconds, an integer
      count: { N: '2' },
    })
  })

  it('gives new sessions a 24-character base64url _secret and nothing beyond { _idx, _secret, _ttl, ...data }', async () => {
    const engine = createSessions({ secret: SECRET, store: dynamoStore({ table: TABLE, client }) })
    const session = await engine.load(request())
    session.set('user', { name: 'Ada' })
    const setCookie = (await engine.commit(session, new Response())).headers.get('set-cookie')!
    const id = decodeURIComponent(setCookie.split(';')[0]!.slice(5)).split('.')[0]!
    const item = await rawItem(id)
    expect(Object.keys(item!).sort()).toEqual(['_idx', '_secret', '_ttl', 'user'])
    expect(item!._secret!.S).toMatch(/^[A-Za-z0-9_-]{24}$/)
    expect(item!._ttl!.N).toMatch(/^\d{10}$/)
    expect(item!.user).toEqual({ M: { name: { S: 'Ada' } } })
  })

  it('treats an item past its _ttl (not yet purged) and an item without _secret as absent, and never overwrites them', async () => {
    const clock = manualClock()
    const now = Math.floor(clock.now() / 1000)
    const engine = createSessions({ secret: SECRET, store: dynamoStore({ table: TABLE, client }), now: clock.now })
    const cases = [
      { _idx: { S: ARC_ID }, _secret: { S: ARC_SECRET_ATTR }, _ttl: { N: String(now - 1) }, count: { N: '5' } },
      { _idx: { S: ARC_ID }, _ttl: { N: String(now + 1000) }, count: { N: '5' } },
    ]
    for (const item of cases) {
      await put(item)
      const session = await engine.load(request(ARC_COOKIE))
      expect(await session.get('count')).toBeUndefined()
      expect(session.isNew).toBe(true)
      session.set('count', 1)
      const setCookie = (await engine.commit(session, new Response())).headers.get('set-cookie')!
      expect(setCookie).not.toContain(ARC_ID) // a new id
      expect(await rawItem(ARC_ID)).toEqual(item) // the old item untouched
    }
    await dynamo.client.send(new DeleteItemCommand({ TableName: TABLE, Key: { _idx: { S: ARC_ID } } }))
  })
})

describe('the size limit', () => {
  const overhead = itemSize({ _idx: { S: 'x'.repeat(24) }, _secret: { S: 'x'.repeat(24) }, _ttl: { N: '1796214833' }, blob: { S: '' } })

  it('lets an item of exactly 400 KB through to DynamoDB, and refuses one byte more before sending anything', async () => {
    const now = () => (1796214833 - 604800) * 1000 // so that _ttl is 1796214833, as in `overhead`
    const engine = createSessions({ secret: SECRET, store: dynamoStore({ table: TABLE, client }), now })
    const fits = await engine.load(request())
    fits.set('blob', 'x'.repeat(ITEM_LIMIT - overhead))
    const response = await engine.commit(fits, new Response())
    expect(response.headers.get('set-cookie')).toMatch(/^_idx=/)

    const over = await engine.load(request())
    over.set('blob', 'x'.repeat(ITEM_LIMIT - overhead + 1))
    sent = []
    const error = await engine.commit(over, new Response()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SessionTooLargeError)
    expect(error).toMatchObject({ code: 'ERR_SESSION_TOO_LARGE', limit: ITEM_LIMIT, size: ITEM_LIMIT + 1 })
    expect((error as Error).message).toMatch(/400 KB/)
    expect(sent).toEqual([])
  })

  it('counts like DynamoDB: UTF-8 bytes of names and values, list and map overheads, number digits', () => {
    expect(itemSize({ a: { S: 'abc' } })).toBe(4)
    expect(itemSize({ é: { S: 'é🍪' } })).toBe(2 + 6)
    expect(itemSize({ n: { N: '12345' } })).toBe(1 + 4)
    expect(itemSize({ b: { BOOL: true }, z: { NULL: true } })).toBe(4)
    expect(itemSize({ l: marshal([1, 'ab'], 'l') })).toBe(1 + 3 + (1 + 2) + (1 + 2))
    expect(itemSize({ m: marshal({ k: 'v' }, 'm') })).toBe(1 + 3 + 1 + 2)
  })

  it("refuses numbers outside DynamoDB's range, naming the key", () => {
    expect(() => marshal(1e200, 'big')).toThrow(SessionNotSerializableError)
    expect(() => marshal({ tiny: 1e-200 }, 'small')).toThrow(/small/)
    expect(marshal(9.99e125, 'ok')).toEqual({ N: '9.99e+125' })
  })
})

describe("concurrency: 'optimistic'", () => {
  it('adds a _version attribute and conditions every write; an Architect item without one is taken over', async () => {
    const clock = manualClock()
    const now = Math.floor(clock.now() / 1000)
    await put({ _idx: { S: ARC_ID }, _secret: { S: ARC_SECRET_ATTR }, _ttl: { N: String(now + 604800) }, count: { N: '1' } })
    const engine = createSessions({
      secret: SECRET,
      store: dynamoStore({ table: TABLE, client, concurrency: 'optimistic' }),
      now: clock.now,
    })
    for (const expected of [2, 3]) {
      const session = await engine.load(request(ARC_COOKIE))
      session.set('count', ((await session.get('count')) as number) + 1)
      sent = []
      await engine.commit(session, new Response())
      expect(sent[0]!.input.ConditionExpression).toBeDefined()
      expect(await rawItem(ARC_ID)).toMatchObject({ count: { N: String(expected) }, _version: { N: String(expected - 1) } })
    }
  })
})

describe('createSessionTable', () => {
  it('creates _idx as the String hash key with on-demand billing, and is idempotent', async () => {
    expect(await createSessionTable({ table: 'other-sessions', client: dynamo.client })).toBe(true)
    expect(await createSessionTable({ table: 'other-sessions', client: dynamo.client })).toBe(false)
    const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName: 'other-sessions' }))
    expect(Table?.KeySchema).toEqual([{ AttributeName: '_idx', KeyType: 'HASH' }])
    expect(Table?.AttributeDefinitions).toEqual([{ AttributeName: '_idx', AttributeType: 'S' }])
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST')
  })

  it('asks DynamoDB to turn TTL on for _ttl', async () => {
    const calls: { name: string; input: unknown }[] = []
    const fake: DynamoClient = {
      async send(command) {
        calls.push({ name: command.constructor.name, input: command.input })
        if (command.constructor.name === 'DescribeTableCommand') return { Table: { TableStatus: 'ACTIVE' } }
        if (command.constructor.name === 'DescribeTimeToLiveCommand') return { TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } }
        return {}
      },
    }
    await createSessionTable({ table: 't1', client: fake })
    expect(calls.map((c) => c.name)).toEqual([
      'CreateTableCommand',
      'DescribeTableCommand',
      'DescribeTimeToLiveCommand',
      'UpdateTimeToLiveCommand',
    ])
    expect(calls[3]!.input).toEqual({ TableName: 't1', TimeToLiveSpecification: { AttributeName: '_ttl', Enabled: true } })
  })
})

describe('hostile cookies (property-based)', () => {
  it('never throw, give an empty session, and never reach DynamoDB', async () => {
    const engine = createSessions({ secret: SECRET, store: dynamoStore({ table: TABLE, client }) })
    const value = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }).map(encodeURIComponent),
      fc.tuple(fc.stringMatching(/^[A-Za-z0-9_-]{16,40}$/), fc.base64String()).map(([id, sig]) => `${id}.${sig}`),
      fc.constant(`${ARC_ID}.${'A'.repeat(43)}`),
    )
    await fc.assert(
      fc.asyncProperty(value, async (cookie) => {
        sent = []
        const session = await engine.load(request(`_idx=${cookie}`))
        expect(await session.all()).toEqual({})
        expect(sent).toEqual([])
      }),
      { numRuns: 200 },
    )
  })
})

describe('attributes written out of band', () => {
  it('reads sets as arrays and binary as base64, and the data object has no prototype', () => {
    const data = unmarshalItem({
      tags: { SS: ['a', 'b'] },
      scores: { NS: ['1', '2.5'] },
      raw: { B: new Uint8Array([104, 105]) },
      nested: { M: { list: { L: [{ NULL: true }, { BOOL: false }] } } },
    })
    expect(data).toEqual({ tags: ['a', 'b'], scores: [1, 2.5], raw: 'aGk=', nested: { list: [null, false] } })
    expect(Object.getPrototypeOf(data)).toBeNull()
  })
})
