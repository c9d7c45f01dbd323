/** The counter on Deno (`npm run start:deno`, offline against node_modules): cookie store and Redis, WebCrypto + jose, one cookie with Node. */
import { runtimeSuites } from './bun-deno.js'

runtimeSuites('deno')
