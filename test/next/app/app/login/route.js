import { commit, getSession } from '../../lib/session'

/** POST /login (form field `user`): a new session id for the same data, and the user. */
export async function POST(request) {
  const user = String((await request.formData()).get('user') ?? 'someone')
  const session = await getSession()
  session.regenerate()
  session.set('user', user)
  await commit(session)
  return new Response(null, { status: 302, headers: { location: '/' } })
}
