/**
 * The counter on AWS Lambda (API Gateway REST or HTTP API, Function URL, ALB).
 * Configured from the function's `ARC_*` environment, read once at cold start.
 *
 * `npm run build:lambda` bundles this file into `examples/counter/build/counter/index.mjs`,
 * the folder `app.arc` points at; `npm run start:lambda` serves it with Architect's sandbox.
 */
import { toLambda } from 'sesh/lambda'
import { createCounterApp } from './app.js'

export const handler = toLambda(createCounterApp({ env: process.env }).fetch)
