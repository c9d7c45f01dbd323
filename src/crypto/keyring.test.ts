import { base64url, CompactEncrypt, compactDecrypt, EncryptJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { webcryptoProvider } from './webcrypto.js'
import { type CryptoProvider, jweKeyBytes, Keyring, legacyJweKeyBytes, open, randomId, seal, signId, unsignId } from './keyring.js'
import { constantTimeEqual as timingSafeEqual } from './webcrypto.js'
import { SessionSecretError } from '../errors.js'

const SECRET = 'abcdefghijklmnopqrstuvwxyz0123456789'

describe('key derivation (Architect)', () => {
  it('takes the first 32/24/16 bytes of the secret', () => {
    expect(new TextDecoder().decode(jweKeyBytes(SECRET, 'A256GCM'))).toBe(SECRET.slice(0, 32))
    expect(jweKeyBytes(SECRET, 'A192GCM')).toHaveLength(24)
    expect(jweKeyBytes(SECRET, 'A128GCM')).toHaveLength(16)
  })

  it('cuts the UTF-8 of a non-ASCII secret to N bytes', () => {
    const secret = 'é'.repeat(40)
    const bytes = jweKeyBytes(secret, 'A256GCM')
    expect(bytes).toHaveLength(32)
    expect(Array.from(bytes.slice(0, 2))).toEqual([0xc3, 0xa9])
  })

  it('refuses a short secret with a SessionSecretError naming ARC_APP_SECRET, without the secret', () => {
    const secret = 'short-but-secret'
    let error: unknown
    try {
      jweKeyBytes(secret, 'A256GCM')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(SessionSecretError)
    expect((error as SessionSecretError).code).toBe('ERR_SESSION_SECRET')
    expect((error as Error).message).toContain('ARC_APP_SECRET')
    expect((error as Error).message).toContain('openssl rand -base64 32')
    expect((error as Error).message).not.toContain(secret)
  })

  it("reproduces Node's lenient base64 for the legacy scheme", () => {
    const secret = 'c2VjcmV0LWtleS0xMjM0NTY3ODkw' // base64 of "secret-key-1234567890"
    expect(new TextDecoder().decode(legacyJweKeyBytes(secret))).toBe('secret-key-12345')
    // base64url characters are accepted, junk skipped, '=' stops
    expect(legacyJweKeyBytes('c2VjcmV0!LWtleS0xMjM0NTY3ODkw=AAAA')).toEqual(legacyJweKeyBytes(secret))
    expect(() => legacyJweKeyBytes('1234567890123456')).toThrow(SessionSecretError) // decodes to 12 bytes
  })
})

describe('seal / open', () => {
  const keyring = new Keyring([SECRET], 'A256GCM')

  it("seals a compact JWE with exactly Architect's header", async () => {
    const token = await seal('{"a":1,"iat":1}', keyring)
    const [header, encryptedKey, iv, , tag] = token.split('.')
    expect(header).toBe('eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0')
    expect(encryptedKey).toBe('')
    expect(base64url.decode(iv!)).toHaveLength(12)
    expect(base64url.decode(tag!)).toHaveLength(16)
    const { plaintext } = await compactDecrypt(token, jweKeyBytes(SECRET, 'A256GCM'))
    expect(new TextDecoder().decode(plaintext)).toBe('{"a":1,"iat":1}')
  })

  it('opens what jose seals with the same key, and says which key opened it', async () => {
    const token = await new EncryptJWT({ user: 'grace' })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setIssuedAt(1000)
      .encrypt(jweKeyBytes(SECRET, 'A256GCM'))
    expect(await open(token, keyring)).toEqual({ payload: '{"user":"grace","iat":1000}', keyIndex: 0 })
    const rotated = new Keyring(['n'.repeat(32), SECRET], 'A256GCM')
    expect((await open(token, rotated))?.keyIndex).toBe(1)
  })

  it('accepts only dir and the configured enc', async () => {
    const key = jweKeyBytes(SECRET, 'A256GCM')
    const a128 = await new CompactEncrypt(new TextEncoder().encode('{"iat":1}'))
      .setProtectedHeader({ alg: 'dir', enc: 'A128GCM' })
      .encrypt(key.slice(0, 16))
    expect(await open(a128, keyring)).toBeUndefined()
    const kw = await new CompactEncrypt(new TextEncoder().encode('{"iat":1}'))
      .setProtectedHeader({ alg: 'A256KW', enc: 'A256GCM' })
      .encrypt(key)
    expect(await open(kw, keyring)).toBeUndefined()
  })

  it('gives undefined for garbage, tampering and the wrong key', async () => {
    const token = await seal('{"iat":1}', keyring)
    const flipped = token.slice(0, -3) + (token.at(-3) === 'A' ? 'B' : 'A') + token.slice(-2)
    for (const bad of ['', 'garbage', '....', token.slice(0, -5), flipped, token + 'x']) {
      expect(await open(bad, keyring)).toBeUndefined()
    }
    expect(await open(token, new Keyring(['x'.repeat(32)], 'A256GCM'))).toBeUndefined()
  })
})

describe('signed ids', () => {
  it("matches Architect's cookie-signature vector", async () => {
    const keyring = new Keyring([SECRET], 'A256GCM')
    const signed = await signId('VDplXe5Jmc-mMyOIn3DQae6v', keyring)
    expect(signed).toBe('VDplXe5Jmc-mMyOIn3DQae6v.5PS6AEfkf/dw/ykGnh3tFj0OnK5koeaH/VuaQfACtSU')
    expect(await unsignId(signed, keyring)).toEqual({ id: 'VDplXe5Jmc-mMyOIn3DQae6v', keyIndex: 0 })
  })

  it('verifies with every secret and refuses forgeries', async () => {
    const old = new Keyring([SECRET], 'A256GCM')
    const rotated = new Keyring(['n'.repeat(32), SECRET], 'A256GCM')
    const signed = await signId('some-id-0123456789abcdef', old)
    expect((await unsignId(signed, rotated))?.keyIndex).toBe(1)
    expect(await unsignId(signed.slice(0, -1) + 'x', rotated)).toBeUndefined()
    expect(await unsignId('other-id.' + signed.split('.')[1], rotated)).toBeUndefined()
    expect(await unsignId('no-signature', rotated)).toBeUndefined()
    expect(await unsignId('.sig', rotated)).toBeUndefined()
  })
})

describe('withSigningSecrets', () => {
  it('signs ids with other secrets and still seals with the same keys', async () => {
    const keyring = new Keyring([SECRET], 'A256GCM')
    const derived = keyring.withSigningSecrets(['my-app'])
    expect(derived.enc).toBe('A256GCM')
    const signed = await signId('VDplXe5Jmc-mMyOIn3DQae6v', derived)
    expect(await unsignId(signed, derived)).toEqual({ id: 'VDplXe5Jmc-mMyOIn3DQae6v', keyIndex: 0 })
    expect(await unsignId(signed, keyring)).toBeUndefined()
    expect(await open(await seal('{"iat":1}', derived), keyring)).toEqual({ payload: '{"iat":1}', keyIndex: 0 })
    const legacy = new Keyring(['c2VjcmV0LWtleS0xMjM0NTY3ODkw'], 'A256GCM', 'legacy').withSigningSecrets(['x'])
    expect(legacy.enc).toBe('A128GCM')
  })
})

describe('helpers', () => {
  it('compares strings', () => {
    expect(timingSafeEqual('abc', 'abc')).toBe(true)
    expect(timingSafeEqual('abc', 'abd')).toBe(false)
    expect(timingSafeEqual('abc', 'ab')).toBe(false)
  })

  it('makes 144-bit base64url ids', () => {
    const ids = new Set(Array.from({ length: 1000 }, randomId))
    expect(ids.size).toBe(1000)
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{24}$/)
  })
})

describe('recently opened tokens and verified ids', () => {
  /** A provider that counts the decryptions and verifications it is asked for. */
  function counting() {
    const calls = { open: 0, verify: 0 }
    const provider: CryptoProvider = {
      name: 'counting',
      jwe(keys, enc) {
        const inner = webcryptoProvider.jwe(keys, enc)
        return {
          seal: (plaintext) => inner.seal(plaintext),
          open: (token) => {
            calls.open++
            return inner.open(token)
          },
        }
      },
      hmac(secrets) {
        const inner = webcryptoProvider.hmac(secrets)
        return {
          sign: (value) => inner.sign(value),
          verify: (value, signature) => {
            calls.verify++
            return inner.verify(value, signature)
          },
        }
      },
    }
    return { calls, keyring: new Keyring([SECRET], 'A256GCM', 'architect', [SECRET], provider) }
  }

  it('opens a token it sealed, or opened before, without decrypting it again', async () => {
    const { calls, keyring } = counting()
    const sealed = await seal('{"a":1,"iat":1}', keyring)
    expect(await open(sealed, keyring)).toEqual({ payload: '{"a":1,"iat":1}', keyIndex: 0 })
    expect(calls.open).toBe(0)
    const foreign = await seal('{"b":2,"iat":1}', new Keyring([SECRET], 'A256GCM'))
    expect(await open(foreign, keyring)).toEqual({ payload: '{"b":2,"iat":1}', keyIndex: 0 })
    expect(await open(foreign, keyring)).toEqual({ payload: '{"b":2,"iat":1}', keyIndex: 0 })
    expect(calls.open).toBe(1)
  })

  it('never remembers a token that did not open, nor one longer than a cookie', async () => {
    const { calls, keyring } = counting()
    const token = await seal('{"iat":1}', new Keyring([SECRET], 'A256GCM'))
    const flipped = token.slice(0, -3) + (token.at(-3) === 'A' ? 'B' : 'A') + token.slice(-2)
    expect(await open(flipped, keyring)).toBeUndefined()
    expect(await open(flipped, keyring)).toBeUndefined()
    expect(calls.open).toBe(2)
    const long = await seal(JSON.stringify({ blob: 'x'.repeat(4000), iat: 1 }), new Keyring([SECRET], 'A256GCM'))
    expect(long.length).toBeGreaterThan(4096)
    await open(long, keyring)
    expect((await open(long, keyring))?.payload).toContain('xxxx')
    expect(calls.open).toBe(4)
  })

  it('takes nothing from memory for a token that only ends like one it remembers', async () => {
    const { calls, keyring } = counting()
    const token = await seal('{"a":1,"iat":1}', keyring)
    const [header, , iv, ciphertext, tag] = token.split('.')
    // Another IV, the same ciphertext and tag: the same last characters, and it must not open.
    const otherIv = `${iv!.startsWith('A') ? 'B' : 'A'}${iv!.slice(1)}`
    expect(await open(`${header}..${otherIv}.${ciphertext}.${tag}`, keyring)).toBeUndefined()
    expect(calls.open).toBe(1)
    expect(await open(token, keyring)).toEqual({ payload: '{"a":1,"iat":1}', keyIndex: 0 })
    expect(calls.open).toBe(1)
    const id = 'VDplXe5Jmc-mMyOIn3DQae6v'
    const signed = await signId(id, keyring)
    const signature = signed.slice(id.length)
    expect(await unsignId(`WDplXe5Jmc-mMyOIn3DQae6v${signature}`, keyring)).toBeUndefined()
    expect(calls.verify).toBe(1)
    expect(await unsignId(signed, keyring)).toEqual({ id, keyIndex: 0 })
    expect(calls.verify).toBe(1)
  })

  it('keeps at least the 500 most recent, and forgets older ones', async () => {
    const { calls, keyring } = counting()
    const other = new Keyring([SECRET], 'A256GCM')
    const tokens = await Promise.all(Array.from({ length: 1001 }, (_, i) => seal(`{"n":${i},"iat":1}`, other)))
    for (const token of tokens) await open(token, keyring)
    expect(calls.open).toBe(1001)
    for (const i of [1000, 999, 700, 501]) expect((await open(tokens[i]!, keyring))?.payload).toBe(`{"n":${i},"iat":1}`)
    expect(calls.open).toBe(1001)
    expect((await open(tokens[0]!, keyring))?.payload).toBe('{"n":0,"iat":1}')
    expect(calls.open).toBe(1002)
  })

  it('shares nothing between keyrings: other keys never see a token opened by these', async () => {
    const { keyring } = counting()
    const token = await seal('{"iat":1}', keyring)
    expect(await open(token, keyring)).toBeDefined()
    expect(await open(token, new Keyring(['x'.repeat(32)], 'A256GCM'))).toBeUndefined()
  })

  it('verifies a signed id once (none for one it signed), and a bad signature every time', async () => {
    const { calls, keyring } = counting()
    const own = await signId('own-id-0123456789abcdefgh', keyring)
    expect(await unsignId(own, keyring)).toEqual({ id: 'own-id-0123456789abcdefgh', keyIndex: 0 })
    expect(calls.verify).toBe(0)
    const signed = await signId('VDplXe5Jmc-mMyOIn3DQae6v', new Keyring([SECRET], 'A256GCM'))
    expect(await unsignId(signed, keyring)).toEqual({ id: 'VDplXe5Jmc-mMyOIn3DQae6v', keyIndex: 0 })
    expect(await unsignId(signed, keyring)).toEqual({ id: 'VDplXe5Jmc-mMyOIn3DQae6v', keyIndex: 0 })
    expect(calls.verify).toBe(1)
    const bad = `${signed.slice(0, -1)}${signed.endsWith('A') ? 'B' : 'A'}`
    expect(await unsignId(bad, keyring)).toBeUndefined()
    expect(await unsignId(bad, keyring)).toBeUndefined()
    expect(calls.verify).toBe(3)
  })
})
