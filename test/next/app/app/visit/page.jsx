import { getSession } from '../../lib/session'

/** Shows what the middleware wrote into the session for this very request. */
export default async function Visit() {
  const session = await getSession()
  return <p id="seen">{`Seen ${(await session.get('seen')) ?? 0}`}</p>
}
