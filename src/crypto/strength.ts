/**
 * Whether a secret is fit for production. Pure functions over the key
 * derivations of `crypto.ts`; the configuration calls {@link assertProductionSecret}
 * for every configured secret when in production.
 *
 * The rule. A secret is refused in production when
 *
 * 1. **any key it derives equals a key the public development secrets derive**,
 *    under any derivation sesh knows: Architect's current one (first 32, 24 or
 *    16 characters, for A256GCM, A192GCM, A128GCM) and the pre-v7 legacy one
 *    (`ARC_FORCE_LEGACY_JWE_SECRET`: base64-decoded, first 16 bytes), whichever
 *    derivation is configured. `MTIzNDU2Nzg5MDEyMzQ1Ng==` (the development key in
 *    base64) and `1234567890123456…` are both refused;
 * 2. it contains U+FFFD or an unpaired surrogate: binary data read as text, whose
 *    lost bytes all became the same three bytes of key (decode it as hex or
 *    base64 instead);
 * 3. the material of a key it uses (the JWE key under the configured derivation,
 *    and the whole secret, which signs ids) has fewer than `min(8, length / 4)`
 *    distinct symbols (`'a'.repeat(32)`, an all-zero legacy key), or is a shorter
 *    string repeated (`'password'.repeat(4)`, `'abc'.repeat(11)`): the shortest
 *    period is at most half its length.
 *
 * These are deliberately structural: a random secret never fails them (a hex
 * secret from `openssl rand -hex 32` has about 14 distinct symbols in its first
 * 32 characters; a chance repetition needs 16 characters to repeat), while the
 * secrets people type when in a hurry do. They do not measure a passphrase's
 * strength; the length minimum (32 characters for A256GCM) still applies.
 *
 * @module
 */
import { type ContentEncryption, DEVELOPMENT_SECRETS, jweKeyBytes, KEY_BYTES, type KeyScheme, legacyJweKeyBytes } from './keyring.js'
import { SessionSecretError } from '../errors.js'

const ENCODINGS = Object.keys(KEY_BYTES) as ContentEncryption[]

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')

function attempt(derive: () => Uint8Array): Uint8Array | undefined {
  try {
    return derive()
  } catch {
    return undefined // too short for that derivation: it derives no key there
  }
}

/**
 * Every key `secret` derives, under every derivation (current A256/A192/A128GCM, legacy).
 *
 * @param secret a secret
 */
export function allDerivedKeys(secret: string): Uint8Array[] {
  const keys = ENCODINGS.map((enc) => attempt(() => jweKeyBytes(secret, enc)))
  keys.push(attempt(() => legacyJweKeyBytes(secret)))
  return keys.filter((key): key is Uint8Array => key !== undefined)
}

let developmentKeys: Set<string> | undefined

/** The keys the public development secrets derive, in every derivation (hex). */
function developmentKeySet(): Set<string> {
  if (!developmentKeys) {
    developmentKeys = new Set()
    for (const secret of Object.values(DEVELOPMENT_SECRETS)) {
      for (const form of [secret, btoa(secret)]) for (const key of allDerivedKeys(form)) developmentKeys.add(hex(key))
    }
  }
  return developmentKeys
}

/**
 * Whether any key `secret` derives is a development key, in any derivation.
 *
 * @param secret a secret
 */
export function derivesDevelopmentKey(secret: string): boolean {
  const known = developmentKeySet()
  return allDerivedKeys(secret).some((key) => known.has(hex(key)))
}

/** The smallest p such that `symbols[i] === symbols[i + p]` for every i. */
function shortestPeriod(symbols: ArrayLike<number>): number {
  // Knuth–Morris–Pratt failure function: period = n - longest proper border.
  const n = symbols.length
  const border = new Array<number>(n).fill(0)
  for (let i = 1, k = 0; i < n; i++) {
    while (k > 0 && symbols[i] !== symbols[k]) k = border[k - 1]!
    if (symbols[i] === symbols[k]) k++
    border[i] = k
  }
  return n === 0 ? 0 : n - border[n - 1]!
}

/**
 * Why `material` (a key's bytes, or a secret's code points) has too little
 * entropy, or `undefined` when it passes rule 3 of the module.
 *
 * @param material the symbols
 */
export function lowEntropyReason(material: ArrayLike<number>): string | undefined {
  const n = material.length
  const distinct = new Set(Array.from(material)).size
  const needed = Math.min(8, Math.ceil(n / 4))
  if (distinct < needed) return `it has only ${distinct} distinct symbols (at least ${needed} needed)`
  if (n > 1 && shortestPeriod(material) <= n / 2) return 'it is a shorter string repeated'
  return undefined
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

const codePoints = (text: string): number[] => Array.from(text, (char) => char.codePointAt(0)!)

/**
 * Why `secret` is unfit for production, or `undefined` when it is fit (the
 * rule is the module's). Never includes the secret in its answer.
 *
 * @example
 * ```ts
 * productionSecretProblem('a'.repeat(32), 'A256GCM', 'architect') // 'it has only 1 distinct symbols …'
 * ```
 * @param secret the secret
 * @param enc the configured content encryption
 * @param scheme the configured key derivation
 */
export function productionSecretProblem(secret: string, enc: ContentEncryption, scheme: KeyScheme): string | undefined {
  if (derivesDevelopmentKey(secret)) return 'it derives the public development key'
  if (secret.includes('\uFFFD') || LONE_SURROGATE.test(secret)) {
    return 'it contains U+FFFD or an unpaired surrogate (binary data read as text: encode it as hex or base64)'
  }
  const key = attempt(() => (scheme === 'legacy' ? legacyJweKeyBytes(secret) : jweKeyBytes(secret, enc)))
  const keyProblem = key && lowEntropyReason(key)
  if (keyProblem) return `its ${scheme === 'legacy' ? 'legacy ' : ''}key has too little entropy: ${keyProblem}`
  const whole = lowEntropyReason(codePoints(secret))
  return whole && `it has too little entropy: ${whole}`
}

/**
 * Throws a {@link SessionSecretError} when `secret` is unfit for production.
 *
 * @param secret the secret
 * @param enc the configured content encryption
 * @param scheme the configured key derivation
 * @param which how to name the secret in the message (e.g. `ARC_APP_SECRET`, `secrets[1]`)
 */
export function assertProductionSecret(secret: string, enc: ContentEncryption, scheme: KeyScheme, which = 'The session secret'): void {
  const problem = productionSecretProblem(secret, enc, scheme)
  if (problem === undefined) return
  throw new SessionSecretError(
    `${which} is refused in production: ${problem}. ` +
      'Set ARC_APP_SECRET to the output of `openssl rand -base64 32` (or `openssl rand -hex 32`).',
  )
}
