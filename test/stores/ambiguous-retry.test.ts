/**
 * A conditional write whose connection was cut after it landed is retried by
 * the client and then fails its own condition. Neither "conflict" nor "success"
 * is known: the DynamoDB store reports the store unavailable (a 503, not
 * acknowledged), as for a timeout. A first-attempt condition failure is still
 * a conflict.
 */
import { describe, expect, it } from 'vitest'
import { SessionConflictError, SessionStoreUnavailableError } from 'seshjs'
import { dynamoSessionStore, type DynamoCall } from 'seshjs/dynamodb'
import { Keyring } from '../../src/crypto/keyring.js'

const context = { keyring: new Keyring(['abcdefghijklmnopqrstuvwxyz0123456789'], 'A256GCM'), now: 1_800_000_000, ttl: 3600 }

function conditionFailed(attempts: number): Error {
  return Object.assign(new Error('The conditional request failed'), {
    name: 'ConditionalCheckFailedException',
    $metadata: { attempts, httpStatusCode: 400 },
  })
}

function storeFailingPut(attempts: number) {
  const call: DynamoCall = async (operation) => {
    if (operation === 'PutItem') throw conditionFailed(attempts)
    // GetItem: another request's version is stored now
    return {
      Item: {
        _idx: { S: 'abcdefghijklmnopqrstuvwx' },
        _secret: { S: 's' },
        _ttl: { N: '1800003600' },
        _version: { N: '6' },
        n: { N: '2' },
      },
    }
  }
  return dynamoSessionStore({ table: 'sessions', call, concurrency: 'optimistic' })
}

const record = {
  id: 'abcdefghijklmnopqrstuvwx',
  data: { n: 2 },
  issuedAt: context.now,
  extra: { _secret: 's', version: 5, base: '{"n":1}' },
}

describe('optimistic DynamoDB writes retried after an ambiguous failure', () => {
  it('a condition failure after a retry is "outcome unknown": store unavailable (503), not a conflict', async () => {
    const error = await storeFailingPut(2)
      .write({ ...record }, context)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SessionStoreUnavailableError)
    expect((error as Error).message).toMatch(/unknown/)
  })

  it('a condition failure on the first attempt is still a conflict', async () => {
    const error = await storeFailingPut(1)
      .write({ ...record }, context)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SessionConflictError)
  })
})
