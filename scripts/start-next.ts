/**
 * The counter on Next.js: `npm run start:next`. Builds test/next/app on the
 * first run (and after its sources change), then serves it with `next start`
 * on PORT (default 3333) and HOST (default 127.0.0.1). Sessions come from the
 * ARC_* environment, as every counter's; `next start` runs in production, so
 * without ARC_APP_SECRET the development key is used here with ARC_ENV=testing.
 */
import { buildNextApp, startNextApp } from './next-app.js'

const port = Number(process.env.PORT ?? 3333)
const host = process.env.HOST ?? '127.0.0.1'
if (await buildNextApp()) console.log('built test/next/app')
const env = process.env.ARC_APP_SECRET ? process.env : { ...process.env, ARC_ENV: 'testing' }
const running = await startNextApp(port, host, env)
console.log(`sesh counter (Next.js) listening on ${running.url}`)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    running.stop().then(() => process.exit(0))
  })
}
