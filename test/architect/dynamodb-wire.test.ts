/**
 * DynamoDB wire compatibility, both directions, against dynalite: items and
 * signed-id cookies written by @architect/functions 8 are read by sesh, and
 * the other way round — with ARC_APP_SECRET and with Architect's
 * ARC_APP_NAME fallback secret.
 */
import { createHmac } from 'node:crypto'
import { GetItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createArchitect, type ArcRequest } from 'seshjs/architect'
import { createSessionTable, dynamoStore } from 'seshjs/dynamodb'
import { SECRET } from '../helpers.js'
import { startDynalite, type Dynalite } from '../stores/dynalite.js'
import { loadArc, setEnv, type RealArc } from './arc.js'
import { v1, v2 } from './events.js'
import { startFakeSsm } from './fake-ssm.js'

const TABLE = 'wireapp-staging-sessions'
const APP = 'wireapp'
let db: Dynalite
let ssm: Awaited<ReturnType<typeof startFakeSsm>>
let arc: RealArc

function seshFor(env: Record<string, string>, warnings: string[] = []) {
  return createArchitect({
    env,
    onWarning: (message) => warnings.push(message),
    dynamoStore: (table) => dynamoStore({ table, client: db.client }),
  })
}
const withSecret = { ARC_SESSION_TABLE_NAME: TABLE, ARC_APP_SECRET: SECRET, ARC_APP_NAME: APP, ARC_ENV: 'testing' }
const withoutSecret = { ARC_SESSION_TABLE_NAME: TABLE, ARC_APP_NAME: APP, ARC_ENV: 'testing' }

const pair = (setCookie: string) => setCookie.split(';')[0]!
const idOf = (setCookie: string) => decodeURIComponent(pair(setCookie).slice('_idx='.length)).split('.')[0]!
async function item(id: string) {
  const { Item } = await db.client.send(new GetItemCommand({ TableName: TABLE, Key: { _idx: { S: id } }, ConsistentRead: true }))
  return Item
}
async function count() {
  return (await db.client.send(new ScanCommand({ TableName: TABLE, Select: 'COUNT' }))).Count ?? 0
}
const echo = async (req: ArcRequest) => ({ json: req.session })

// Credentials in the environment, so no AWS client (Architect's aws-lite included) goes looking
// for them on the network (the EC2 instance-metadata address).
Object.assign(process.env, {
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
})

beforeAll(async () => {
  db = await startDynalite()
  await createSessionTable({ table: TABLE, client: db.client })
  ssm = await startFakeSsm('WireappTesting', { sessions: TABLE })
  process.env.ARC_SANDBOX = JSON.stringify({ ports: { _arc: ssm.port, tables: db.port }, version: '8.0.0' })
  setEnv(withSecret)
  arc = loadArc()
})

afterAll(async () => {
  await ssm?.close()
  await db?.close()
})

describe.each([
  ['ARC_APP_SECRET', withSecret],
  ['ARC_APP_NAME fallback secret', withoutSecret],
])('with %s', (_, env) => {
  const warnings: string[] = []
  const sesh = seshFor(env, warnings)

  it('Architect → sesh: the item and cookie Architect wrote are read, and written back in place', async () => {
    setEnv(env)
    const created = await arc.http.session.read({ headers: {} })
    const cookie = await arc.http.session.write({ ...created, user: 'ada', n: 1 })

    const read = await sesh.http(echo)(v2({ cookie: pair(cookie) }))
    const session = JSON.parse(read.body)
    expect(session).toEqual({ _idx: created._idx, _secret: created._secret, _ttl: expect.any(Number), user: 'ada', n: 1 })

    const handler = async (req: ArcRequest) => ({ session: { ...req.session, n: req.session.n + 1 }, location: '/' })
    const written = await sesh.http(handler)(v1({ cookie: pair(cookie) }))
    const setCookie = written.headers['set-cookie']!
    expect(pair(setCookie)).toBe(pair(cookie)) // same id, same signature, same encoding
    expect(await item(created._idx)).toMatchObject({ _secret: { S: created._secret }, n: { N: '2' }, user: { S: 'ada' } })

    setEnv(env)
    expect(await arc.http.session.read({ headers: { cookie: pair(setCookie) } })).toMatchObject({
      _idx: created._idx,
      _secret: created._secret,
      user: 'ada',
      n: 2,
    })
  })

  it('sesh → Architect: a session sesh creates is read by Architect', async () => {
    const written = await sesh.http(async () => ({ session: { user: 'grace', roles: ['admin'] }, location: '/' }))(v2())
    const setCookie = written.cookies![0]!
    const id = idOf(setCookie)
    expect(await item(id)).toMatchObject({ _idx: { S: id }, _secret: { S: expect.any(String) }, _ttl: { N: expect.any(String) } })

    setEnv(env)
    const read = await arc.http.session.read({ cookies: [pair(setCookie)] })
    expect(read).toMatchObject({ _idx: id, user: 'grace', roles: ['admin'] })
    // and Architect's rewrite keeps it readable by sesh
    const again = await arc.http.session.write({ ...read, user: 'grace2' })
    expect(JSON.parse((await sesh.http(echo)(v1({ cookie: pair(again) }))).body)).toMatchObject({ _idx: id, user: 'grace2' })
  })

  it('session.read / session.write match arc.http.session', async () => {
    const cookie = await sesh.session.write({ user: 'lin' })
    setEnv(env)
    const viaArc = await arc.http.session.read({ headers: { cookie: pair(cookie) } })
    expect(viaArc).toMatchObject({ user: 'lin' })
    const viaSesh = await sesh.session.read({ headers: { cookie: pair(cookie) } })
    expect(viaSesh).toEqual(viaArc)
    // writing with the _idx read keeps the id
    const rewritten = await sesh.session.write({ ...viaSesh, user: 'lin2' })
    expect(idOf(rewritten)).toBe(viaArc._idx)
  })

  it('warns about the development key exactly when no secret is set', () => {
    const expected =
      env === withoutSecret ? [expect.stringMatching(/no ARC_APP_SECRET is set, so sessions use the public development key/)] : []
    expect(warnings).toEqual(expected)
  })
})

describe('intended differences (DynamoDB)', () => {
  const sesh = seshFor(withSecret)

  it('anonymous requests write no item (Architect writes one per cookieless request)', async () => {
    setEnv(withSecret)
    const before = await count()
    await sesh.http(echo)(v2())
    expect(await count()).toBe(before)
    await arc.http.async(echo)(v2())
    expect(await count()).toBe(before + 1)
  })

  it('an item past its _ttl is not a session for sesh (Architect still reads it)', async () => {
    const id = 'expiredexpiredexpired123'
    const now = Math.floor(Date.now() / 1000)
    await db.client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { _idx: { S: id }, _secret: { S: 'secretsecretsecret123456' }, _ttl: { N: String(now - 60) }, user: { S: 'old' } },
      }),
    )
    const signature = createHmac('sha256', SECRET).update(id).digest('base64').replace(/=+$/, '')
    const cookie = `_idx=${encodeURIComponent(`${id}.${signature}`)}`
    setEnv(withSecret)
    expect(await arc.http.session.read({ headers: { cookie } })).toMatchObject({ user: 'old' })
    const session = JSON.parse((await sesh.http(echo)(v2({ cookie }))).body)
    expect(session.user).toBeUndefined()
    expect(session._idx).not.toBe(id)
  })

  it('session: {} deletes the item and expires the cookie (Architect keeps an empty item)', async () => {
    const cookie = pair(await sesh.session.write({ user: 'bye' }))
    const id = idOf(cookie)
    const out = await sesh.http(async () => ({ session: {}, location: '/' }))(v1({ cookie }))
    expect(out.headers['set-cookie']).toMatch(/^_idx=; Max-Age=0/)
    expect(await item(id)).toBeUndefined()
  })
})
