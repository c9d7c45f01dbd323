/** The counter on Bun (`npm run start:bun`): cookie store and Redis, WebCrypto + jose, one cookie with Node. */
import { runtimeSuites } from './bun-deno.js'

runtimeSuites('bun')
