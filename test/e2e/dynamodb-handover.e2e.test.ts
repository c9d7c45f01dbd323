/**
 * One DynamoDB session across runtimes: the Node entry and the Lambda entry
 * under Architect's sandbox, both with ARC_SESSION_TABLE_NAME naming a table in
 * a local DynamoDB (dynalite), continue each other's session.
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSessionTable } from 'seshjs/dynamodb'
import { CookieJar, SECRET } from '../helpers.js'
import { type Dynalite, startDynalite } from '../stores/dynalite.js'
import { count, show } from './counter-suite.js'
import { type Runtime, startLambda, startNode } from './runtimes.js'

describe('one DynamoDB session across Node and Lambda', () => {
  let dynamo: Dynalite
  let node: Runtime
  let lambda: Runtime
  beforeAll(async () => {
    dynamo = await startDynalite()
    await createSessionTable({ table: 'counter-sessions', client: dynamo.client })
    const env = { ARC_APP_SECRET: SECRET, ARC_SESSION_TABLE_NAME: 'counter-sessions', AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint }
    ;[node, lambda] = await Promise.all([startNode(env), startLambda(env)])
  })
  afterAll(async () => {
    await Promise.all([node?.stop(), lambda?.stop()])
    await dynamo?.close()
  })

  it('keeps the count in the table, whichever runtime writes it', async () => {
    const jar = new CookieJar()
    expect(await count(jar, node.url)).toBe(1)
    expect(decodeURIComponent(jar.cookies.get('_idx')!)).toMatch(/^[^.]+\.[^.]+$/) // a signed id
    expect(await count(jar, lambda.url)).toBe(2)
    expect(await show(jar, node.url)).toBe(2)
    expect(await count(jar, node.url)).toBe(3)
    expect(await show(jar, lambda.url)).toBe(3)
    const { Items } = await dynamo.client.send(new ScanCommand({ TableName: 'counter-sessions' }))
    expect(Items).toHaveLength(1)
    expect(Items![0]!.count).toEqual({ N: '3' })
  })
})
