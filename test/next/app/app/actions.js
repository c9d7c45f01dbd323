'use server'
import { commit, getSession } from '../lib/session'

/** A Server Action: reads and writes the session through cookies(). */
export async function increment() {
  const session = await getSession()
  session.set('count', ((await session.get('count')) ?? 0) + 1)
  await commit(session)
}
