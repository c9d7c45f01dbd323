import { getSession } from '../lib/session'
import { increment } from './actions'

/** A Server Component: reads the session, never writes it. */
export default async function Page() {
  const session = await getSession()
  const count = (await session.get('count')) ?? 0
  const seen = (await session.get('seen')) ?? 0
  const user = await session.get('user')
  return (
    <main>
      <h1>sesh counter on Next.js</h1>
      <p id="count">{`Count ${count}`}</p>
      <p id="seen">{`Seen ${seen}`}</p>
      <p id="user">{`User ${user ?? 'nobody'}`}</p>
      <form method="post" action="/count">
        <button type="submit">+1</button>
      </form>
      <form action={increment}>
        <button type="submit">+1 (Server Action)</button>
      </form>
      <form method="post" action="/reset">
        <button type="submit">Reset</button>
      </form>
    </main>
  )
}
