/**
 * The counter on Express: `npm run start:express` (Express 5, `seshjs/express`).
 * Sessions in the cookie (the ARC_* environment configures them); PORT picks
 * the port (default 3333), HOST the address.
 */
import express from 'express'
import { sessions } from 'seshjs/express'
import { type CounterData, describeStore, renderPage } from './app.js'

const session = sessions<CounterData>()
const app = express()
app.use(session)

app.get('/', async (req, res) => {
  const s = session.get(req)
  const count = (await s.get('count')) ?? 0
  res.set('cache-control', 'no-store').type('html').send(renderPage(count, describeStore(undefined, {}, s.id), 'none', 'Express'))
})

app.post('/count', async (req, res) => {
  const s = session.get(req)
  s.set('count', ((await s.get('count')) ?? 0) + 1)
  res.redirect(302, '/')
})

app.post('/reset', (req, res) => {
  session.get(req).destroy()
  res.redirect(302, '/')
})

const port = Number(process.env.PORT ?? 3333)
const server = app.listen(port, process.env.HOST ?? '::', (error?: Error) => {
  if (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
    console.error(`port ${port} is in use, set PORT (for example PORT=${port + 1} npm run start:express)`) // not a stack trace
    process.exit(1)
  }
  const address = server.address()
  const host = typeof address === 'object' && address ? address.address : ''
  const shown = host === '::' || host === '0.0.0.0' ? 'localhost' : host.includes(':') ? `[${host}]` : host
  console.log(`sesh counter on Express listening on http://${shown}:${port}`)
})

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    setTimeout(() => process.exit(0), 3000).unref() // a slow close must not keep Ctrl-C waiting
    server.close(() => process.exit(0))
    server.closeAllConnections()
  })
}
