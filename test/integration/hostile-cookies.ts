/** A table of hostile `_idx` cookie values; every one must give a fresh, empty session. */
import { CompactEncrypt, EncryptJWT, UnsecuredJWT } from 'jose'

const encoder = new TextEncoder()

/**
 * Hostile cookie values, built against `secret` where that matters (a valid
 * token from the same app, then damaged).
 *
 * @param validToken a cookie value the app really issued
 * @param now the current time in epoch seconds
 */
export async function hostileCookies(validToken: string, now: number): Promise<Record<string, string>> {
  const wrongKey = encoder.encode('W'.repeat(32))
  const architectKey = encoder.encode('12345678901234567890123456789012')
  return {
    garbage: 'garbage',
    empty_segments: '....',
    truncated: validToken.slice(0, Math.floor(validToken.length / 2)),
    last_char_changed: validToken.slice(0, -2) + (validToken.at(-2) === 'A' ? 'B' : 'A') + validToken.at(-1),
    wrong_key: await new EncryptJWT({ count: 99 }).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).setIssuedAt().encrypt(wrongKey),
    development_key: await new EncryptJWT({ count: 99 })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setIssuedAt()
      .encrypt(architectKey),
    alg_none: new UnsecuredJWT({ count: 99, iat: now }).encode(),
    other_enc: await new CompactEncrypt(encoder.encode(JSON.stringify({ count: 99, iat: now })))
      .setProtectedHeader({ alg: 'dir', enc: 'A128GCM' })
      .encrypt(wrongKey.slice(0, 16)),
    junk_8kb: 'A'.repeat(8192),
    bad_percent_encoding: '%E0%A4%A%ZZ' + validToken,
    percent_encoded_junk: encodeURIComponent('"><script>alert(1)</script>'),
    signed_id_shape: 'AAAAAAAAAAAAAAAAAAAAAAAA.5PS6AEfkf%2Fdw%2FykGnh3tFj0OnK5koeaH%2FVuaQfACtSU',
    json: encodeURIComponent('{"count":99}'),
    unicode: encodeURIComponent('☃'.repeat(100)),
  }
}

/**
 * A token sealed with `key` whose `iat` is `age` seconds old.
 *
 * @param key the app's real key
 * @param iat the issued-at time
 */
export function tokenIssuedAt(key: Uint8Array, iat: number): Promise<string> {
  return new EncryptJWT({ count: 99 }).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).setIssuedAt(iat).encrypt(key)
}
