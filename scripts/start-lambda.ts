/**
 * `npm run start:lambda`: the counter's Lambda entry behind Architect's sandbox
 * (a local API Gateway), at http://localhost:$PORT (default 3333), with the
 * shell's `ARC_*` variables forwarded into the function (see ./sandbox.ts).
 */
import { fileURLToPath } from 'node:url'
import { buildLambda } from './build-lambda.js'
import { runSandbox } from './sandbox.js'

await buildLambda()
await runSandbox(fileURLToPath(new URL('../examples/counter', import.meta.url)), "sesh counter (Lambda under Architect's sandbox)")
