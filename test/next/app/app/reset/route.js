import { commit, getSession } from '../../lib/session'

/** POST /reset: ends the session (its cookie expires). */
export async function POST() {
  const session = await getSession()
  session.destroy()
  await commit(session)
  return new Response(null, { status: 302, headers: { location: '/' } })
}
