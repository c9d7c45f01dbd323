/**
 * `npm run start:architect`: the Architect example (examples/architect: the
 * counter, the login flow and a flash message, written with `seshjs/architect`)
 * under Architect's sandbox, at http://localhost:$PORT (default 3333), with the
 * shell's `ARC_*` variables forwarded into the functions (see ./sandbox.ts).
 */
import { buildArchitect } from './build-architect.js'
import { runSandbox } from './sandbox.js'

await runSandbox(await buildArchitect(), "sesh Architect example (Architect's sandbox)")
