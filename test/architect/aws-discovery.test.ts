/**
 * Deployed Architect apps (ARC_ENV staging/production on AWS): a logical
 * ARC_SESSION_TABLE_NAME is found through AWS SSM, as @architect/functions
 * finds it. SSM is a fake on loopback reached through AWS_ENDPOINT_URL_SSM,
 * DynamoDB is dynalite through AWS_ENDPOINT_URL_DYNAMODB, and both are driven
 * by sesh's default clients (dummy credentials, no instance metadata).
 */
import { createRequire } from 'node:module'
import { GetItemCommand } from '@aws-sdk/client-dynamodb'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SessionStoreUnavailableError } from 'seshjs'
import { createArchitect, type ArcRequest } from 'seshjs/architect'
import { createSessionTable } from 'seshjs/dynamodb'
import { awsTable, tableSource, toLogicalId } from '../../architect/discovery.js'
import { SECRET } from '../helpers.js'
import { startDynalite, type Dynalite } from '../stores/dynalite.js'
import { v2 } from './events.js'
import { startFakeSsm, type FakeSsm } from './fake-ssm.js'

const STACK = 'ShopProduction'
const PHYSICAL = 'ShopProduction-SessionsTable-1AB2C3D4'
const OTHER = 'ShopProduction-NotesTable-9Z8Y7X'
const base = { ARC_ENV: 'production', ARC_APP_NAME: 'shop', ARC_APP_SECRET: SECRET }
/** An Architect app in production keeps its `_idx` cookie, decided: no cookie-tossing warning. */
const cookie = { hostPrefix: false }

let db: Dynalite
let ssm: FakeSsm
const saved = { ...process.env }

const pair = (setCookie: string) => setCookie.split(';')[0]!
const idOf = (setCookie: string) => decodeURIComponent(pair(setCookie).slice('_idx='.length)).split('.')[0]!
const login = async (req: ArcRequest) => ({ session: { ...req.session, user: 'ada' }, json: { ok: true } })
const echo = async (req: ArcRequest) => ({ json: req.session })

beforeAll(async () => {
  db = await startDynalite()
  await createSessionTable({ table: PHYSICAL, client: db.client })
  ssm = await startFakeSsm(
    STACK,
    {},
    {
      pageSize: 2,
      extra: {
        '/ShopProduction/events/ping': 'ShopProduction-PingEventTopic-XYZ',
        '/ShopProduction/static/bucket': 'shop-production-static',
        '/ShopStaging/tables/sessions': 'ShopStaging-SessionsTable-WRONG',
      },
    },
  )
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_SSM: ssm.url,
    AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
  })
  delete process.env.ARC_SANDBOX
})

afterAll(async () => {
  process.env = saved
  await ssm?.close()
  await db?.close()
})

beforeEach(() => {
  ssm.tables = { notes: OTHER, sessions: PHYSICAL }
  ssm.mode = 'ok'
  ssm.requests.length = 0
})

describe('tableSource (Architect useAWS())', () => {
  it.each([
    [{ ARC_ENV: 'production' }, 'aws'],
    [{ ARC_ENV: 'staging' }, 'aws'],
    [{ ARC_ENV: 'staging', ARC_SANDBOX: '{}', ARC_LOCAL: '1' }, 'aws'],
    [{ ARC_ENV: 'staging', ARC_SANDBOX: '{}' }, 'sandbox'],
    [{ ARC_ENV: 'testing', ARC_SANDBOX: '{}' }, 'sandbox'],
    [{ ARC_ENV: 'testing' }, 'sandbox'], // in-process, beside a sandbox: its ports come from its SSM service
    [{}, 'sandbox'], // Architect turns an unset ARC_ENV into testing
    [{ ARC_ENV: 'development' }, undefined], // Architect refuses it; sesh uses the name as given
  ])('%j → %s', (env, source) => {
    expect(tableSource(env)).toBe(source)
  })

  it('names stacks as Architect does', () => {
    expect(toLogicalId('shop-production')).toBe(STACK)
    expect(toLogicalId('my_app-staging')).toBe('MyAppStaging')
  })
})

describe('on AWS', () => {
  it('resolves a logical name through SSM (every page of /<stack>) and writes to the physical table', async () => {
    const sesh = createArchitect({ cookie, env: { ...base, ARC_SESSION_TABLE_NAME: 'sessions' } })
    const written = await sesh.http(login)(v2())
    expect(written.statusCode).toBe(200)
    const setCookie = written.cookies!.find((c) => c.startsWith('_idx='))!
    const { Item } = await db.client.send(
      new GetItemCommand({ TableName: PHYSICAL, Key: { _idx: { S: idOf(setCookie) } }, ConsistentRead: true }),
    )
    expect(Item?.user).toEqual({ S: 'ada' })

    // Architect's query: the whole stack, recursively, signed, following NextToken
    expect(ssm.requests.length).toBeGreaterThan(1)
    expect(ssm.requests.every((r) => r.target === 'AmazonSSM.GetParametersByPath' && r.signed)).toBe(true)
    expect(ssm.requests.map((r) => r.body)).toEqual([
      { Path: `/${STACK}`, Recursive: true },
      ...ssm.requests.slice(1).map((_, i) => ({ Path: `/${STACK}`, Recursive: true, NextToken: String(2 * (i + 1)) })),
    ])

    // cached for the runtime: the next request reads the session without asking SSM again
    const before = ssm.requests.length
    const read = await sesh.http(echo)(v2({ cookie: pair(setCookie) }))
    expect(JSON.parse(read.body)).toMatchObject({ user: 'ada' })
    expect(ssm.requests.length).toBe(before)
  })

  it('finds a table on a later page', async () => {
    ssm.tables = { a: 'A', b: 'B', c: 'C', d: 'D', sessions: PHYSICAL }
    expect(await awsTable('sessions', { ...base })).toBe(PHYSICAL)
    expect(ssm.requests.length).toBe(4) // 8 parameters, 2 a page
  })

  it('accepts the physical name', async () => {
    expect(await awsTable(PHYSICAL, base)).toBe(PHYSICAL)
    const sesh = createArchitect({ cookie, env: { ...base, ARC_SESSION_TABLE_NAME: PHYSICAL } })
    const written = await sesh.http(login)(v2())
    expect(written.statusCode).toBe(200)
    const read = await sesh.http(echo)(v2({ cookie: pair(written.cookies!.find((c) => c.startsWith('_idx='))!) }))
    expect(JSON.parse(read.body)).toMatchObject({ user: 'ada' })
  })

  it('uses ARC_STACK_NAME for the path when set', async () => {
    await expect(awsTable('sessions', { ...base, ARC_STACK_NAME: 'ShopStaging' })).resolves.toBe('ShopStaging-SessionsTable-WRONG')
    expect(ssm.requests[0]!.body.Path).toBe('/ShopStaging')
  })

  it('fails clearly on an unknown name, and does not cache the failure', async () => {
    const sesh = createArchitect({ cookie, env: { ...base, ARC_SESSION_TABLE_NAME: 'sesions' } })
    const error = await sesh
      .http(login)(v2())
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ReferenceError)
    expect((error as Error).message).toContain("'sesions'")
    expect((error as Error).message).toContain('ARC_SESSION_TABLE_NAME')
    expect((error as Error).message).toContain(`/${STACK}/tables`)
    expect((error as Error).message).not.toContain(SECRET)

    ssm.tables = { ...ssm.tables, sesions: PHYSICAL } // e.g. the table was deployed since
    expect((await sesh.http(login)(v2())).statusCode).toBe(200)
  })

  it.each(['denied', 'down'] as const)('SSM %s: 503, never "no session"; the next request retries', async (mode) => {
    const sesh = createArchitect({ cookie, env: { ...base, ARC_SESSION_TABLE_NAME: 'sessions' } })
    ssm.mode = mode
    await expect(awsTable('sessions', base)).rejects.toBeInstanceOf(SessionStoreUnavailableError)
    const failed = await sesh.http(login)(v2())
    expect(failed.statusCode).toBe(503)
    expect(failed.cookies ?? []).toEqual([])

    ssm.mode = 'ok'
    const asked = ssm.requests.length
    const written = await sesh.http(login)(v2())
    expect(ssm.requests.length).toBeGreaterThan(asked)
    expect(written.statusCode).toBe(200)
    expect(written.cookies!.some((c) => c.startsWith('_idx='))).toBe(true)
  })

  it('an unavailable error carries the stack path and a cause, and its code', async () => {
    ssm.mode = 'denied'
    const error = (await awsTable('sessions', base).catch((e: unknown) => e)) as SessionStoreUnavailableError
    expect(error.code).toBe('ERR_SESSION_STORE_UNAVAILABLE')
    expect(error.message).toContain(`/${STACK}`)
    expect((error.cause as Error).name).toBe('AccessDeniedException')
  })

  it('needs ARC_APP_NAME or ARC_STACK_NAME, as Architect', async () => {
    const sesh = createArchitect({ cookie, env: { ARC_ENV: 'production', ARC_APP_SECRET: SECRET, ARC_SESSION_TABLE_NAME: 'sessions' } })
    await expect(sesh.http(login)(v2())).rejects.toThrow(/ARC_APP_NAME and ARC_STACK_NAME/)
    expect(ssm.requests).toEqual([])
  })

  it('JWE apps never ask SSM', async () => {
    const sesh = createArchitect({ cookie, env: { ...base, ARC_SESSION_TABLE_NAME: 'jwe' } })
    const written = await sesh.http(login)(v2())
    expect(written.statusCode).toBe(200)
    expect(ssm.requests).toEqual([])
  })
})

describe('the same table as @architect/functions', () => {
  it("Architect's own discovery (AWS mode, same fake SSM) maps the names as sesh does", async () => {
    const require = createRequire(import.meta.url)
    // biome-ignore lint/suspicious/noExplicitAny: any by design
    const discovery = require('@architect/functions/src/discovery') as (cb: (err: Error | null, services: any) => void) => void
    const env = { ...base, ARC_SESSION_TABLE_NAME: 'sessions' }
    const before = { ...process.env }
    Object.assign(process.env, env, { AWS_ENDPOINT_URL: ssm.url }) // aws-lite reads AWS_ENDPOINT_URL, not the per-service one
    let services: { tables: Record<string, string> }
    try {
      services = await new Promise((resolve, reject) => discovery((err, found) => (err ? reject(err) : resolve(found))))
    } finally {
      process.env = before
    }
    expect(ssm.requests[0]!.body).toMatchObject({ Path: `/${STACK}`, Recursive: true })
    expect(services.tables).toEqual({ notes: OTHER, sessions: PHYSICAL })
    for (const name of ['sessions', 'notes', PHYSICAL]) {
      // @architect/functions' choice (ddb/index.js): tables[name] || a physical name equal to it
      const architect = services.tables[name] || Object.values(services.tables).find((v) => v === name)
      expect(await awsTable(name, env)).toBe(architect)
    }
  })
})

describe('under the sandbox (the same lookup, through its internal SSM service)', () => {
  it('resolves the logical name to the local table, and answers 503 while the service is down', async () => {
    const local = await startFakeSsm('ShopTesting', { sessions: PHYSICAL })
    try {
      const env = {
        ARC_ENV: 'testing',
        ARC_APP_NAME: 'shop',
        ARC_APP_SECRET: SECRET,
        ARC_SESSION_TABLE_NAME: 'sessions',
        ARC_SANDBOX: JSON.stringify({ ports: { _arc: local.port, tables: db.port }, version: '8.0.0' }),
      }
      const sesh = createArchitect({ env })
      local.mode = 'down'
      expect((await sesh.http(login)(v2())).statusCode).toBe(503)
      local.mode = 'ok'
      const written = await sesh.http(login)(v2())
      expect(written.statusCode).toBe(200)
      expect(local.requests.map((r) => r.body)).toEqual([{ Path: '/ShopTesting', Recursive: true }])
      const setCookie = written.cookies!.find((c) => c.startsWith('_idx='))!
      const { Item } = await db.client.send(
        new GetItemCommand({ TableName: PHYSICAL, Key: { _idx: { S: idOf(setCookie) } }, ConsistentRead: true }),
      )
      expect(Item?.user).toEqual({ S: 'ada' })
      expect(ssm.requests).toEqual([]) // not AWS's
    } finally {
      await local.close()
    }
  })
})
