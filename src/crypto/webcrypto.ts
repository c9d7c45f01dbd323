/**
 * The portable crypto provider: WebCrypto for AES-GCM and HMAC, jose for the
 * compact JWE. Runs on every runtime (Workers, Deno, Bun, browsers, Node).
 *
 * @module
 */
import { CompactEncrypt, compactDecrypt } from 'jose'
import type { ContentEncryption, CryptoProvider, IdSigner, JweCipher, Opened } from './provider.js'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Standard base64 without `=` padding (Architect's cookie-signature format). */
function base64NoPad(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!)
  return btoa(binary).replace(/=+$/, '')
}

function cipher(rawKeys: readonly Uint8Array[], enc: ContentEncryption): JweCipher {
  let imported: Promise<CryptoKey[]> | undefined
  const keys = () =>
    (imported ??= Promise.all(
      rawKeys.map((bytes) => crypto.subtle.importKey('raw', new Uint8Array(bytes), 'AES-GCM', false, ['encrypt', 'decrypt'])),
    ))
  const options = { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: [enc] }
  return {
    async seal(plaintext) {
      const [key] = await keys()
      return new CompactEncrypt(encoder.encode(plaintext)).setProtectedHeader({ alg: 'dir', enc }).encrypt(key!)
    },
    async open(token): Promise<Opened | undefined> {
      const all = await keys()
      for (let keyIndex = 0; keyIndex < all.length; keyIndex++) {
        try {
          const { plaintext } = await compactDecrypt(token, all[keyIndex]!, options)
          return { payload: decoder.decode(plaintext), keyIndex }
        } catch {
          // wrong key, tampered or malformed: try the next key, then give up
        }
      }
      return undefined
    },
  }
}

function signer(secrets: readonly string[]): IdSigner {
  let imported: Promise<CryptoKey[]> | undefined
  const keys = () =>
    (imported ??= Promise.all(
      secrets.map((secret) => crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])),
    ))
  const mac = async (key: CryptoKey, value: string) =>
    base64NoPad(new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(value))))
  return {
    async sign(value) {
      const [key] = await keys()
      return mac(key!, value)
    },
    async verify(value, signature) {
      const all = await keys()
      for (let index = 0; index < all.length; index++) {
        if (constantTimeEqual(await mac(all[index]!, value), signature)) return index
      }
      return -1
    },
  }
}

/**
 * Compares two strings in time that depends only on their lengths.
 *
 * @param a one string
 * @param b the other
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let difference = 0
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return difference === 0
}

/**
 * WebCrypto + jose: the default everywhere but Node, and what the `crypto:
 * 'webcrypto'` option selects on Node.
 */
export const webcryptoProvider: CryptoProvider = { name: 'webcrypto', jwe: cipher, hmac: signer }
