/**
 * The counter on Express: `npm run start:express` (Express 5, `seshjs/express`).
 * Sessions in the cookie (the ARC_* environment configures them); PORT picks
 * the port (default 3333), HOST the address.
 */
import { createServer, type Server } from 'node:http'
import express from 'express'
import { sessions } from 'seshjs/express'
import { type CounterData, describeStore, renderPage } from './app.js'

const session = sessions<CounterData>()
const app = express()
app.use(session)

app.get('/', async (req, res) => {
  const s = session.get(req)
  const count = (await s.get('count')) ?? 0
  res
    .set('cache-control', 'no-store')
    .type('html')
    .send(renderPage(count, describeStore(undefined, {}, s.id), 'none', 'Express'))
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

const server: Server = createServer(app)
const port = Number(process.env.PORT ?? 3333)
server.once('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EADDRINUSE') throw error
  console.error(`port ${port} is in use, set PORT (for example PORT=${port + 1} npm run start:express)`) // not a stack trace
  process.exit(1)
})
server.listen(port, process.env.HOST, () => {
  const address = server.address()
  const shown =
    typeof address === 'object' && address
      ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`
      : ''
  console.log(`sesh counter on Express listening on ${shown.replace(/\[::\]|0\.0\.0\.0/, 'localhost')}`)
})

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    setTimeout(() => process.exit(0), 3000).unref() // a slow close must not keep Ctrl-C waiting
    server.close(() => process.exit(0))
    server.closeAllConnections()
  })
}
