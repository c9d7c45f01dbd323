import { getSession } from '../lib/session'
import { increment } from './actions'

/** The counter: a Server Component, which reads the session and never writes it. */
export default async function Page() {
  const session = await getSession()
  const count = (await session.get('count')) ?? 0
  const user = await session.get('user')
  return (
    <main>
      <h1>sesh counter on Next.js</h1>
      <p>The count lives in your session, kept in an encrypted cookie. A route handler counts; a Server Action can too.</p>
      <form method="post" action="/count" id="count">
        <button type="submit">{`Count ${count}`}</button>
      </form>
      <form method="post" action="/reset">
        <button type="submit">Reset</button>
      </form>
      <form action={increment}>
        <button type="submit">+1 with a Server Action</button>
      </form>
      <p id="user">{`Signed in as ${user ?? 'nobody'}`}</p>
    </main>
  )
}
