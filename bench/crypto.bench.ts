/**
 * `npm run bench`: the two crypto providers on one small session — seal + open
 * of a compact JWE, and HMAC sign + verify of an id — `node:crypto` (Node's
 * default, synchronous) against WebCrypto + jose (everywhere else).
 */
import { bench, describe } from 'vitest'
import { nodeProvider } from '../src/crypto/platform/node.js'
import { webcryptoProvider } from '../src/crypto/webcrypto.js'

const KEY = new TextEncoder().encode('abcdefghijklmnopqrstuvwxyz012345')
const PAYLOAD = JSON.stringify({ user: { id: 42, name: 'Ada Lovelace', roles: ['admin', 'editor'] }, count: 1, iat: 1764072000 })
const ID = 'VDplXe5Jmc-mMyOIn3DQae6v'

for (const provider of [nodeProvider, webcryptoProvider]) {
  describe(`${provider.name} provider`, () => {
    const cipher = provider.jwe([KEY], 'A256GCM')
    const signer = provider.hmac(['abcdefghijklmnopqrstuvwxyz0123456789'])
    bench('JWE seal + open', async () => {
      await cipher.open(await cipher.seal(PAYLOAD))
    })
    bench('HMAC sign + verify', async () => {
      await signer.verify(ID, await signer.sign(ID))
    })
  })
}
