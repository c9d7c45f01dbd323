/**
 * The DynamoDB store Architect would use for `ARC_SESSION_TABLE_NAME`: found
 * through SSM when deployed, in the sandbox's local DynamoDB otherwise. The
 * lookup happens on the first request that needs the store, so its failure
 * reaches that request as a store outage (503), and the next one retries.
 *
 * @module
 */
import type { SessionStore } from '../src/index.js'
import { MOVED } from '../src/stores/index.js'
import { awsTable, sandboxTable, stackPath, tableSource } from './discovery.js'
import type { Env } from './env.js'

/**
 * A store made on first use. A failure is not kept: the next call retries.
 *
 * @param make builds the store
 */
export function deferredStore(make: () => Promise<SessionStore>): SessionStore {
  let pending: Promise<SessionStore> | undefined
  const store = () =>
    (pending ??= make().catch((error: unknown) => {
      pending = undefined
      throw error
    }))
  return {
    read: async (cookieValue, context) => (await store()).read(cookieValue, context),
    write: async (record, context, options) => (await store()).write(record, context, options),
    move: async (record, context, options) => {
      const resolved = await store()
      if (resolved.move) return resolved.move(record, context, options)
      // a store without move(): write the new record, then end the old one (not atomic)
      const value = await resolved.write(record, context)
      if (typeof value === 'string') await resolved.delete(options.from, context)
      return value
    },
    delete: async (record, context) => (await store()).delete(record, context),
    touch: async (record, context) => {
      const resolved = await store()
      if (resolved.touch) return resolved.touch(record, context)
      const value = await resolved.write(record, context)
      return value === MOVED ? undefined : value
    },
    get: async (id, context) => (await store()).get?.(id, context),
    cookieValue: async (id, context) => (await store()).cookieValue!(id, context),
  }
}

async function sandboxStore(table: string, env: Env): Promise<SessionStore> {
  const local = await sandboxTable(table, env)
  const [{ dynamoStore }, { DynamoDBClient }] = await Promise.all([
    import('../src/stores/dynamodb/index.js'),
    import('@aws-sdk/client-dynamodb'),
  ])
  const credentials =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? undefined
      : { accessKeyId: 'arcDummyAccessKey', secretAccessKey: 'arcDummySecretKey' }
  const client = new DynamoDBClient({
    endpoint: local.endpoint,
    region: env.AWS_REGION || 'us-west-2',
    ...(credentials ? { credentials } : {}),
  })
  return dynamoStore({ table: local.table, client })
}

/**
 * The default `dynamoStore` option of `createArchitect()`: `seshjs/dynamodb` on
 * the table Architect would use. Loaded only for DynamoDB sessions, so JWE
 * apps never load the AWS SDK.
 *
 * @example
 * ```ts
 * const store = architectStore('sessions', process.env)
 * ```
 * @param table the logical (or physical) table name
 * @param env the environment
 */
export function architectStore(table: string, env: Env): SessionStore {
  switch (tableSource(env)) {
    case 'aws':
      stackPath(env, false) // fail fast without ARC_APP_NAME / ARC_STACK_NAME
      return deferredStore(async () => {
        const { dynamoStore } = await import('../src/stores/dynamodb/index.js')
        return dynamoStore({ table: await awsTable(table, env) })
      })
    case 'sandbox':
      return deferredStore(() => sandboxStore(table, env))
    default:
      return deferredStore(async () => (await import('../src/stores/dynamodb/index.js')).dynamoStore({ table }))
  }
}
