/**
 * The counter on Node: `npm start`. Configured from the ARC_* environment;
 * PORT picks the port (default 3333). `ARC_SESSION_TABLE_NAME=<table>` keeps
 * sessions in that DynamoDB table (the AWS SDK's own variables — AWS_REGION,
 * AWS_ENDPOINT_URL_DYNAMODB, credentials — pick the endpoint); `jwe` or unset
 * keeps them in the cookie, as in Architect.
 */
import { sessionTableName, type SessionStore } from 'seshjs'
import { serve } from 'seshjs/node'
import { createCounterApp } from './app.js'

const table = sessionTableName(process.env)
let store: SessionStore | undefined
if (table) {
  const { dynamoStore } = await import('seshjs/dynamodb') // the AWS SDK loads only for a table
  store = dynamoStore({ table })
}

const app = createCounterApp({ env: process.env, ...(store ? { store } : {}) })
const { url } = await serve(app.fetch, { port: Number(process.env.PORT ?? 3333) })
console.log(`sesh counter listening on ${url}${store ? ` (sessions in DynamoDB table "${table}")` : ''}`)
