/**
 * `seshjs/crypto`: the contract of a crypto provider (the `crypto` option of
 * `createSessions()`), for a platform with its own primitives. Every provider
 * reads and writes the same tokens: JWE (`dir`, AES-GCM) cookies and
 * HMAC-SHA256-signed ids.
 *
 * @module
 */
export type { ContentEncryption, CryptoChoice, CryptoProvider, JweCipher, IdSigner, Keyring, Opened } from './keyring.js'
