/**
 * The counter on Cloudflare Workers with sessions in DynamoDB, without the AWS
 * SDK: requests are signed with `aws4fetch` (see `dynamodb-fetch.ts`).
 * Bindings: `ARC_APP_SECRET`, `ARC_SESSION_TABLE_NAME` (the table),
 * `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, and optionally
 * `DYNAMODB_ENDPOINT` (a local emulator).
 */
import { sessionTableName } from 'seshjs'
import { dynamoSessionStore } from 'seshjs/dynamodb'
import { createCounterApp } from './app.js'
import { dynamoFetch } from './dynamodb-fetch.js'

/** The Worker's bindings, as `wrangler types` would declare them. */
export interface Env {
  ARC_APP_SECRET: string
  ARC_SESSION_TABLE_NAME: string
  AWS_ACCESS_KEY_ID: string
  AWS_SECRET_ACCESS_KEY: string
  AWS_REGION: string
  DYNAMODB_ENDPOINT?: string
}

export default createCounterApp<Env>((env) => {
  const table = sessionTableName(env)
  if (!table) throw new TypeError('Set ARC_SESSION_TABLE_NAME to the DynamoDB table that keeps the sessions')
  const call = dynamoFetch({
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    region: env.AWS_REGION,
    endpoint: env.DYNAMODB_ENDPOINT,
  })
  return { env, store: dynamoSessionStore({ table, call }) }
})
