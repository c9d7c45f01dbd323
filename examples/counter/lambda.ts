/**
 * The counter on AWS Lambda (API Gateway REST or HTTP API, Function URL, ALB).
 * Configured from the function's `ARC_*` environment, read once at cold start:
 * `ARC_SESSION_TABLE_NAME` unset or `jwe` keeps sessions in the encrypted
 * cookie; any other value names the DynamoDB table to keep them in.
 *
 * `npm run build:lambda` bundles this file into `examples/counter/build/counter/index.mjs`,
 * the folder `app.arc` points at; `npm run start:lambda` serves it with Architect's sandbox.
 */
import { sessionTableName } from 'seshjs'
import { dynamoStore } from 'seshjs/dynamodb'
import { toLambda } from 'seshjs/lambda'
import { createCounterApp } from './app.js'

const table = sessionTableName(process.env)
const store = table ? dynamoStore({ table }) : undefined

export const handler = toLambda(createCounterApp(store ? { store } : {}, undefined, 'AWS Lambda').fetch)
