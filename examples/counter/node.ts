/**
 * The counter on Node: `npm start`. Configured from the ARC_* environment;
 * PORT picks the port (default 3333).
 */
import { serve } from 'sesh/node'
import { createCounterApp } from './app.js'

const app = createCounterApp({ env: process.env })
const { url } = await serve(app.fetch, { port: Number(process.env.PORT ?? 3333) })
console.log(`sesh counter listening on ${url}`)
