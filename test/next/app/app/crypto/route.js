import { sessions } from '../../lib/session'

/** GET /crypto: the crypto provider of a route handler on the Node.js runtime (the middleware's is in its x-sesh-crypto). */
export async function GET() {
  return new Response(await sessions.sessions.config.keyring.providerName())
}
