/**
 * Secrets → keys, JWE sealing, id signing (HMAC-SHA256) and random ids, through
 * a {@link CryptoProvider}: on Node a synchronous `node:crypto` one (chosen by the
 * package's `#crypto-provider` import and its `node` condition), elsewhere — or
 * with `crypto: 'webcrypto'` — WebCrypto + jose, loaded on first use.
 *
 * @module
 */
import { provider as platformProvider } from '#crypto-provider'
import { SessionSecretError } from '../errors.js'
import type { ContentEncryption, CryptoProvider, IdSigner, JweCipher, Opened } from './provider.js'

export type { ContentEncryption, CryptoProvider, IdSigner, JweCipher, Opened } from './provider.js'

/**
 * Which crypto to use: a {@link CryptoProvider}, `'webcrypto'` for WebCrypto +
 * jose, or `'default'` for the platform's (`node:crypto` on Node, else WebCrypto + jose).
 */
export type CryptoChoice = 'default' | 'webcrypto' | CryptoProvider

/** Key length in bytes for each content encryption. */
export const KEY_BYTES: Readonly<Record<ContentEncryption, number>> = { A256GCM: 32, A192GCM: 24, A128GCM: 16 }

/**
 * The fixed development secrets, identical to Architect's built-in defaults so a
 * local Architect sandbox and sesh read each other's cookies. Never for production.
 */
export const DEVELOPMENT_SECRETS: Readonly<Record<ContentEncryption, string>> = {
  A256GCM: '12345678901234567890123456789012',
  A192GCM: '123456789012345678901234',
  A128GCM: '1234567890123456',
}

/** Architect ≤ 6's key scheme (`ARC_FORCE_LEGACY_JWE_SECRET`), or the current one. */
export type KeyScheme = 'architect' | 'legacy'

const encoder = new TextEncoder()

/**
 * The raw JWE key for `secret`, exactly as Architect derives it: the first N
 * bytes of the UTF-8 form of the secret's first N characters (N = 32/24/16).
 *
 * @param secret the application secret
 * @param enc the content encryption
 */
export function jweKeyBytes(secret: string, enc: ContentEncryption): Uint8Array<ArrayBuffer> {
  const n = KEY_BYTES[enc]
  const chars = secret.substring(0, n)
  if (chars.length < n) {
    throw new SessionSecretError(
      `The session secret is too short for ${enc}: it needs at least ${n} characters. ` +
        'Set ARC_APP_SECRET to a strong random value, e.g. the output of `openssl rand -base64 32`.',
    )
  }
  return encoder.encode(chars).slice(0, n)
}

/**
 * The pre-v7 Architect key (`ARC_FORCE_LEGACY_JWE_SECRET`): the secret read as
 * base64 with Node's lenient decoder (base64url characters accepted, anything
 * else skipped, stop at `=`), first 16 bytes, always A128GCM. Written by hand
 * because no library reproduces that leniency outside Node's `Buffer`.
 *
 * @param secret the application secret
 */
export function legacyJweKeyBytes(secret: string): Uint8Array<ArrayBuffer> {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  const bytes: number[] = []
  let buffer = 0
  let bits = 0
  for (const char of secret) {
    if (char === '=') break
    let index = alphabet.indexOf(char)
    if (char === '-') index = 62
    if (char === '_') index = 63
    if (index < 0) continue
    buffer = (buffer << 6) | index
    bits += 6
    if (bits >= 8) {
      bits -= 8
      bytes.push((buffer >> bits) & 0xff)
    }
  }
  if (bytes.length < 16) {
    throw new SessionSecretError(
      'The legacy session secret (ARC_FORCE_LEGACY_JWE_SECRET) must decode from base64 to at least 16 bytes. ' +
        'Set ARC_APP_SECRET to the output of `openssl rand -base64 32`.',
    )
  }
  return new Uint8Array(bytes.slice(0, 16))
}

/** WebCrypto + jose, imported on first use so Node's default path never loads jose. */
let webcrypto: Promise<CryptoProvider> | undefined
const loadWebcrypto = () => (webcrypto ??= import('./webcrypto.js').then((m) => m.webcryptoProvider))

function providerOf(choice: CryptoChoice): CryptoProvider | Promise<CryptoProvider> {
  if (choice === 'default') return platformProvider ?? loadWebcrypto()
  if (choice === 'webcrypto') return loadWebcrypto()
  if (choice === null || typeof choice !== 'object' || typeof choice.jwe !== 'function' || typeof choice.hmac !== 'function') {
    throw new TypeError("crypto must be 'default', 'webcrypto' or a provider with jwe() and hmac()")
  }
  return choice
}

/**
 * The name of the crypto provider a choice resolves to (`node` or `webcrypto`
 * for the built-in ones).
 *
 * @param choice the `crypto` option
 */
export async function cryptoProviderName(choice: CryptoChoice = 'default'): Promise<string> {
  return (await providerOf(choice)).name
}

/**
 * `f(value)`, synchronously when `value` is not a promise: the Node provider answers
 * at once, and a read should not pay a microtask hop per step for the providers that don't.
 */
function then<T, U>(value: T | Promise<T>, f: (value: T) => U | Promise<U>): U | Promise<U> {
  return value instanceof Promise ? value.then(f) : f(value)
}

/** How many recently opened tokens (and verified ids) a keyring remembers: at least this many, at most twice. */
const RECENT_ENTRIES = 500
/** The longest token it remembers: one cookie's worth (chunked sessions are opened each time). */
const RECENT_LONGEST = 4096

/**
 * The tokens (or signed ids) that opened recently, and what they opened to.
 * Opening is a pure function of the token and the keys, and a browser sends the
 * same cookie on every request until the session changes, so a repeated cookie
 * skips the AES-GCM (or HMAC) work — on Node most of a cookie-store read
 * (fast-jwt's verifier cache does the same for JWTs). Only tokens that opened are
 * kept, so a forged one is never an entry; bounded in entries and in token length
 * (a few MB at worst). Expiry is not cached: the engine checks `iat` against the
 * ttl on every read.
 *
 * Two generations instead of a strict LRU: new entries go to the young one; when it
 * is full it becomes the old one and the previous old one is dropped whole; a hit in
 * the old generation moves to the young one. No per-entry bookkeeping on a hit or a
 * miss, and the most recent {@link RECENT_ENTRIES} are always kept.
 */
class RecentlyOpened<T extends object> {
  #young = new Map<string, Entry<T>>()
  #old = new Map<string, Entry<T>>()

  get(token: string): T | undefined {
    const key = keyOf(token)
    let entry = this.#young.get(key)
    if (entry === undefined) {
      entry = this.#old.get(key)
      if (entry === undefined) return undefined
      if (entry.token === token) this.#add(key, entry)
    }
    return entry.token === token ? entry.value : undefined
  }

  /** Keeps what `token` opened to (frozen: every later reader shares it); passes `undefined` through. */
  remember(token: string, opened: T | undefined): T | undefined {
    if (opened === undefined || token.length > RECENT_LONGEST) return opened
    this.#add(keyOf(token), { token, value: Object.freeze(opened) })
    return opened
  }

  #add(key: string, entry: Entry<T>): void {
    if (this.#young.size >= RECENT_ENTRIES) {
      this.#old = this.#young
      this.#young = new Map()
    }
    this.#young.set(key, entry)
  }
}

interface Entry<T> {
  readonly token: string
  readonly value: T
}

/**
 * An entry's key: the token's last characters — the JWE's authentication tag, or
 * the end of an id's HMAC, which differ from token to token. A `Map` hashes every
 * character of its key, and a cookie's header hands over a new string each time:
 * with whole tokens as keys, hashing a 200-character cookie was 0.2 µs of a 2.9 µs
 * repeated read. The entry keeps the whole token, compared on every hit: two tokens
 * that end alike only displace each other.
 */
const keyOf = (token: string): string => (token.length > KEY_CHARACTERS ? token.slice(-KEY_CHARACTERS) : token)
const KEY_CHARACTERS = 24

/**
 * Every key made from the configured secrets, prepared once and reused for the
 * life of the process. The first secret seals and signs; all of them open and verify.
 */
export class Keyring {
  /** The content encryption used to seal (and the only one accepted when opening). */
  readonly enc: ContentEncryption
  readonly #jweBytes: Uint8Array<ArrayBuffer>[]
  readonly #secrets: readonly string[]
  readonly #rebuild: (signingSecrets: readonly string[]) => Keyring
  readonly #provider: CryptoProvider | Promise<CryptoProvider>
  #cipher?: JweCipher | Promise<JweCipher>
  #signer?: IdSigner | Promise<IdSigner>
  readonly #opened = new RecentlyOpened<Opened>()
  readonly #verified = new RecentlyOpened<Unsigned>()

  /**
   * @param secrets newest first; validated here, so a bad secret fails at start-up
   * @param enc the content encryption
   * @param scheme `legacy` for Architect's pre-v7 key derivation (forces A128GCM)
   * @param signingSecrets the secrets that sign ids, when not `secrets` themselves
   * @param crypto the crypto provider (default: the platform's)
   */
  constructor(
    secrets: readonly string[],
    enc: ContentEncryption,
    scheme: KeyScheme = 'architect',
    signingSecrets = secrets,
    crypto: CryptoChoice = 'default',
  ) {
    this.enc = scheme === 'legacy' ? 'A128GCM' : enc
    this.#secrets = signingSecrets
    this.#provider = providerOf(crypto)
    this.#rebuild = (other) => new Keyring(secrets, enc, scheme, other, crypto)
    this.#jweBytes = secrets.map((secret) => (scheme === 'legacy' ? legacyJweKeyBytes(secret) : jweKeyBytes(secret, enc)))
  }

  /**
   * The same sealing keys, with ids signed and verified by `secrets` instead
   * (Architect signs DynamoDB ids with `ARC_APP_NAME` when `ARC_APP_SECRET` is unset).
   *
   * @param secrets the id-signing secrets, newest first
   */
  withSigningSecrets(secrets: readonly string[]): Keyring {
    return this.#rebuild(secrets)
  }

  /** The JWE cipher over the keys (synchronous once the provider is known). */
  cipher(): JweCipher | Promise<JweCipher> {
    // Once a provider loaded on first use is there, the cipher itself replaces the promise of it.
    return (this.#cipher ??= then(this.#provider, (p) => (this.#cipher = p.jwe(this.#jweBytes, this.enc))))
  }

  /** The HMAC-SHA256 signer over the signing secrets. */
  signer(): IdSigner | Promise<IdSigner> {
    return (this.#signer ??= then(this.#provider, (p) => (this.#signer = p.hmac(this.#secrets))))
  }

  /**
   * Seals `payload` with the newest key (see {@link seal}), and remembers the token
   * as opening to it: the token comes back as the next request's cookie.
   */
  async seal(payload: string): Promise<string> {
    const token = await (await this.cipher()).seal(payload)
    // What open() would give: the UTF-8 round trip is exact for well-formed text (JSON.stringify's always is).
    if ((payload as { isWellFormed?(): boolean }).isWellFormed?.()) this.#opened.remember(token, { payload, keyIndex: 0 })
    return token
  }

  /** Opens a token with any key (see {@link open}); a token that opened recently is not decrypted again. */
  open(token: string): Opened | undefined | Promise<Opened | undefined> {
    const recent = this.#opened.get(token)
    if (recent) return recent
    const opened = then(this.cipher(), (cipher) => cipher.open(token))
    return then(opened, (o) => this.#opened.remember(token, o))
  }

  /** Signs an id (see {@link signId}), and remembers the value as verified: it comes back as the next request's cookie. */
  async signId(id: string): Promise<string> {
    const value = `${id}.${await (await this.signer()).sign(id)}`
    this.#verified.remember(value, { id, keyIndex: 0 })
    return value
  }

  /** Verifies `<id>.<signature>` (see {@link unsignId}); a value verified recently is not verified again. */
  unsign(value: string): Unsigned | undefined | Promise<Unsigned | undefined> {
    const recent = this.#verified.get(value)
    if (recent) return recent
    const dot = value.lastIndexOf('.')
    if (dot <= 0) return undefined
    const id = value.slice(0, dot)
    const signature = value.slice(dot + 1)
    const keyIndex = then(this.signer(), (signer) => signer.verify(id, signature))
    return then(keyIndex, (index) => this.#verified.remember(value, index < 0 ? undefined : { id, keyIndex: index }))
  }

  /** The name of the provider in use (`node`, `webcrypto`, or a custom provider's). */
  async providerName(): Promise<string> {
    return (await this.#provider).name
  }
}

/**
 * Seals `payload` as a compact JWE (`alg: dir`) with the newest key.
 *
 * @param payload the JSON text to encrypt
 * @param keyring the keys
 */
export async function seal(payload: string, keyring: Keyring): Promise<string> {
  return keyring.seal(payload)
}

/**
 * Opens a compact JWE with any of the keys, accepting only `alg: dir` and the
 * configured `enc`. Returns `undefined` for anything that does not open.
 *
 * @param token the compact JWE
 * @param keyring the keys
 */
export function open(token: string, keyring: Keyring): Opened | undefined | Promise<Opened | undefined> {
  return keyring.open(token)
}

/**
 * Signs an id as `<id>.<signature>` with the newest key.
 *
 * @param id the session id
 * @param keyring the keys
 */
export async function signId(id: string, keyring: Keyring): Promise<string> {
  return keyring.signId(id)
}

/** What {@link unsignId} found. */
export interface Unsigned {
  /** The verified id. */
  id: string
  /** Which key verified it: 0 is the newest. */
  keyIndex: number
}

/**
 * Verifies `<id>.<signature>` against every key in constant time.
 *
 * @param value the cookie value
 * @param keyring the keys
 */
export function unsignId(value: string, keyring: Keyring): Unsigned | undefined | Promise<Unsigned | undefined> {
  return keyring.unsign(value)
}

/**
 * A random id: 18 bytes (144 bits) from `crypto.getRandomValues`, base64url, 24
 * characters — the shape of Architect's `_idx` and `_secret`.
 */
export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18))
  let binary = ''
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_')
}
