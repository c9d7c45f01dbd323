#!/usr/bin/env node
/**
 * The `seshjs` command: `npx seshjs <command>`; `npm run cli -- <command>` in
 * this repository.
 *
 * @module
 */
import { run } from './run.js'

// The AWS SDK's banner under Node 20 (it will want Node 22 from January 2027) on every command that loads it:
// off unless set, as in sesh's tests. Read when a client is made, which is after this line.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

process.exitCode = await run(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  interactive: process.stderr.isTTY === true,
})
