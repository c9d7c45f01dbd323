#!/usr/bin/env node
/**
 * The `seshjs` command: `npx seshjs <command>`; `npm run cli -- <command>` in
 * this repository.
 *
 * @module
 */
import { run } from './run.js'

process.exitCode = await run(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  interactive: process.stderr.isTTY === true,
})
