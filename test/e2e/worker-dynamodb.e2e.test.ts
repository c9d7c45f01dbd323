/**
 * The counter on Workers with sessions in DynamoDB and no AWS SDK: the entry
 * `examples/counter/worker-dynamodb.ts` (aws4fetch-signed requests through
 * `dynamoSessionStore({ table, call })`), bundled as wrangler would, run in
 * workerd (Miniflare) against a real dynalite.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GetItemCommand } from '@aws-sdk/client-dynamodb'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { createSessionTable } from 'seshjs/dynamodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dynamoFetch } from '../../examples/counter/dynamodb-fetch.js'
import { CookieJar, SECRET } from '../helpers.js'
import { type Dynalite, startDynalite } from '../stores/dynalite.js'
import { count, counterSuite, show } from './counter-suite.js'
import { freePort, root, type Runtime } from './runtimes.js'

const credentials = { accessKeyId: 'test', secretAccessKey: 'test', region: 'us-east-1' }
let dynalite: Dynalite
let bundledInputs: string[] = []

beforeAll(async () => {
  dynalite = await startDynalite()
  // the table too is made without the SDK
  await createSessionTable({ table: 'sessions', call: dynamoFetch({ ...credentials, endpoint: dynalite.endpoint }) })
})
afterAll(async () => {
  await dynalite?.close()
})

async function startWorker(): Promise<Runtime & { mf: Miniflare }> {
  const dir = await mkdtemp(join(tmpdir(), 'sesh-worker-dynamodb-'))
  const scriptPath = join(dir, 'worker.mjs')
  const result = await build({
    entryPoints: [`${root}examples/counter/worker-dynamodb.ts`],
    outfile: scriptPath,
    bundle: true,
    metafile: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    tsconfig: `${root}tsconfig.json`,
    logLevel: 'warning',
  })
  bundledInputs = Object.keys(result.metafile.inputs)
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    modulesRoot: dir,
    compatibilityDate: '2026-04-01',
    bindings: {
      ARC_APP_SECRET: SECRET,
      ARC_SESSION_TABLE_NAME: 'sessions',
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: credentials.region,
      DYNAMODB_ENDPOINT: dynalite.endpoint,
    },
    host: '127.0.0.1',
    port: await freePort(),
    cf: false,
  })
  const url = (await mf.ready).toString().replace(/\/$/, '')
  return {
    name: 'worker (DynamoDB over aws4fetch)',
    url,
    mf,
    async stop() {
      await mf.dispose()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

counterSuite('Workers (workerd), DynamoDB through aws4fetch, no AWS SDK', startWorker, 'none') // this entry serves no GET /ws

describe('the Worker with DynamoDB sessions', () => {
  let worker: Awaited<ReturnType<typeof startWorker>>
  beforeAll(async () => {
    worker = await startWorker()
  })
  afterAll(async () => {
    await worker?.stop()
  })

  it('bundles aws4fetch and no part of the AWS SDK', () => {
    expect(bundledInputs.some((path) => path.includes('node_modules/aws4fetch/'))).toBe(true)
    expect(bundledInputs.filter((path) => path.includes('@aws-sdk') || path.includes('@smithy'))).toEqual([])
  })

  it("keeps the session in Architect's item shape in the table", async () => {
    const jar = new CookieJar()
    expect(await count(jar, worker.url)).toBe(1)
    expect(await count(jar, worker.url)).toBe(2)
    const cookie = decodeURIComponent(jar.cookies.get('_idx')!)
    const id = cookie.slice(0, cookie.indexOf('.'))
    const { Item } = await dynalite.client.send(
      new GetItemCommand({ TableName: 'sessions', Key: { _idx: { S: id } }, ConsistentRead: true }),
    )
    expect(Item?.count).toEqual({ N: '2' })
    expect(Item?._secret?.S).toMatch(/^[\w-]{24}$/)
    expect(Number(Item?._ttl?.N)).toBeGreaterThan(Date.now() / 1000)
    expect(await show(jar, worker.url)).toBe(2)
  })
})
