import { sessions } from './lib/session'

const handOn = sessions.middleware(async (session, request) => {
  // GET /visit counts itself: its page reads the new count in the same request
  if (request.method === 'GET' && request.nextUrl.pathname === '/visit') session.set('seen', ((await session.get('seen')) ?? 0) + 1)
})

/** On the Edge runtime: renews the session, counts visits to /visit, and says which crypto it runs. */
export async function middleware(request) {
  const response = await handOn(request)
  response.headers.set('x-sesh-crypto', await sessions.sessions.config.keyring.providerName())
  return response
}

export const config = { matcher: ['/((?!_next/|favicon.ico).*)'] }
