/**
 * The crypto provider seam: the only crypto the engine needs, behind two small
 * interfaces, in web-standard types. Two providers exist: WebCrypto + jose (every
 * runtime; see `webcrypto.ts`) and a synchronous `node:crypto` one (Node, Lambda;
 * `src/crypto/platform/node.js`), wire-identical and differential-tested.
 *
 * @module
 */

/** The JWE content encryptions Architect writes. */
export type ContentEncryption = 'A256GCM' | 'A192GCM' | 'A128GCM'

/** What a cipher found in a token. */
export interface Opened {
  /** The decrypted JSON text. */
  payload: string
  /** Which key opened it: 0 is the newest; anything else asks for a re-seal. */
  keyIndex: number
}

/**
 * Seals and opens compact JWEs (`alg: dir`, one AES-GCM content encryption)
 * with a fixed list of keys, newest first. A method may answer synchronously.
 */
export interface JweCipher {
  /** Seals the UTF-8 of `plaintext` with the newest key. */
  seal(plaintext: string): string | Promise<string>
  /**
   * Opens `token` with any key, accepting exactly what jose's `compactDecrypt`
   * accepts with `keyManagementAlgorithms: ['dir']` and `contentEncryptionAlgorithms: [enc]`;
   * `undefined` for anything else.
   */
  open(token: string): Opened | undefined | Promise<Opened | undefined>
}

/** Signs and verifies with HMAC-SHA256 over fixed secrets, newest first. */
export interface IdSigner {
  /** Base64 (standard alphabet, no `=` padding) of HMAC-SHA256(newest secret, value). */
  sign(value: string): string | Promise<string>
  /** Index of the secret whose signature of `value` is `signature` (constant-time), or -1. */
  verify(value: string, signature: string): number | Promise<number>
}

/**
 * A crypto implementation. Pass one as the `crypto` option to replace the
 * platform's default.
 */
export interface CryptoProvider {
  /** A short name, e.g. `node` or `webcrypto`. */
  readonly name: string
  /**
   * A cipher for these raw keys (each the length `enc` needs), newest first.
   * @param keys the raw AES keys
   * @param enc the content encryption
   */
  jwe(keys: readonly Uint8Array[], enc: ContentEncryption): JweCipher
  /**
   * A signer for these secrets (their UTF-8 is the HMAC key), newest first.
   * @param secrets the signing secrets
   */
  hmac(secrets: readonly string[]): IdSigner
}
