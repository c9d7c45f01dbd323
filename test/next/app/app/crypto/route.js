import { getSession, sessions } from '../../lib/session'

/**
 * GET /crypto: the crypto provider of a route handler on the Node.js runtime
 * (the middleware's is in its x-sesh-crypto), and whether getSession() gives
 * one session per request.
 */
export async function GET() {
  const first = await getSession()
  const second = await getSession()
  return new Response(await sessions.sessions.config.keyring.providerName(), { headers: { 'x-same-session': String(first === second) } })
}
