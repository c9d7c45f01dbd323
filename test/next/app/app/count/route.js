import { commit, getSession } from '../../lib/session'

/** POST /count: +1, then back to the page. */
export async function POST() {
  const session = await getSession()
  session.set('count', ((await session.get('count')) ?? 0) + 1)
  await commit(session)
  return new Response(null, { status: 302, headers: { location: '/' } })
}
