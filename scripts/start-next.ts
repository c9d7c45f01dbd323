/**
 * The counter on Next.js: `npm run start:next`. Builds test/next/app on the
 * first run (and after its sources change), then serves it with `next start`
 * on PORT (default 3333) and HOST (default 127.0.0.1). Sessions come from the
 * ARC_* environment, as every counter's. `next start` runs in production (and
 * the Edge middleware is built for it), where sesh never uses its development
 * key: without ARC_APP_SECRET, this run makes a random one (sessions end when it stops).
 */
import { randomBytes } from 'node:crypto'
import { buildNextApp, startNextApp } from './next-app.js'

const port = Number(process.env.PORT ?? 3333)
const host = process.env.HOST ?? '127.0.0.1'
if (await buildNextApp()) console.log('built test/next/app')
let env = process.env
if (!process.env.ARC_APP_SECRET) {
  console.log(
    'no ARC_APP_SECRET: a random one for this run (set it to keep sessions across restarts, and to share them with the other counters)',
  )
  env = { ...process.env, ARC_APP_SECRET: randomBytes(32).toString('base64url') }
}
const running = await startNextApp(port, host, env)
console.log(`sesh counter (Next.js) listening on ${running.url}`)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    running.stop().then(() => process.exit(0))
  })
}
