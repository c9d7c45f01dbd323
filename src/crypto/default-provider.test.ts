import { describe, expect, it } from 'vitest'
import { createSessions } from '../engine/engine.js'
import { cryptoProviderName, Keyring } from './keyring.js'
import { webcryptoProvider } from './webcrypto.js'

const SECRET = 'abcdefghijklmnopqrstuvwxyz0123456789'

describe('the crypto provider in use', () => {
  it('is node:crypto on Node, WebCrypto + jose elsewhere (vitest runs the wire tests both ways)', async () => {
    const expected = process.env.SESH_EXPECTED_CRYPTO ?? 'node'
    expect(await cryptoProviderName()).toBe(expected)
    expect(await new Keyring([SECRET], 'A256GCM').providerName()).toBe(expected)
    expect(await new Keyring([SECRET], 'A256GCM').withSigningSecrets(['x']).providerName()).toBe(expected)
  })

  it("is WebCrypto + jose with crypto: 'webcrypto', or the provider given", async () => {
    expect(await new Keyring([SECRET], 'A256GCM', 'architect', [SECRET], 'webcrypto').providerName()).toBe('webcrypto')
    const custom = { ...webcryptoProvider, name: 'mine' }
    expect(await new Keyring([SECRET], 'A256GCM', 'architect', [SECRET], custom).providerName()).toBe('mine')
    expect(() => new Keyring([SECRET], 'A256GCM', 'architect', [SECRET], 'openssl' as never)).toThrow(TypeError)
  })

  it('reads with one path what the other wrote, through createSessions', async () => {
    const node = createSessions({ secret: SECRET })
    const web = createSessions({ secret: SECRET, crypto: 'webcrypto' })
    for (const [writer, reader] of [
      [node, web],
      [web, node],
    ] as const) {
      const session = await writer.load(new Request('http://localhost/'))
      session.set('n', 42)
      const cookie = (await writer.commit(session, new Response())).headers.get('set-cookie')!.split(';')[0]!
      const read = await reader.load(new Request('http://localhost/', { headers: { cookie } }))
      expect(await read.get('n')).toBe(42)
    }
  })
})
