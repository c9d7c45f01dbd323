// @ts-check
/**
 * The synchronous `node:crypto` provider: the default on Node (and so on Lambda
 * and under seshjs/architect), picked through the package's `#crypto-provider`
 * import and its `node` condition. AES-GCM with cached `KeyObject`s, HMAC-SHA256
 * compared with `timingSafeEqual`. Wire-identical to the WebCrypto + jose
 * provider, and exactly as strict: `test/crypto-differential.test.ts` proves it.
 *
 * Plain JavaScript (types in node.d.ts) so the same file serves the source
 * checkout (vitest, tsx, esbuild) and the published package.
 *
 * @module
 */
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, randomFillSync, timingSafeEqual } from 'node:crypto'

const decoder = new TextDecoder()
const strictDecoder = new TextDecoder('utf-8', { fatal: true })
const CLEAN_BASE64URL = /^[A-Za-z0-9_-]*$/

/** jose's own base64url decoder (lib/buffer_utils.js), used for anything but clean input. */
function joseDecode(encoded) {
  // @ts-expect-error: Uint8Array.fromBase64 is newer than Node 20's types
  if (Uint8Array.fromBase64) return Uint8Array.fromBase64(encoded, { alphabet: 'base64url' })
  if (encoded.includes('+') || encoded.includes('/')) throw new TypeError('Invalid base64url')
  const binary = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'))
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/**
 * Decodes base64url exactly as jose does, or `undefined` where jose throws.
 * Clean input (the only kind honest tokens hold) takes Node's fast decoder,
 * which agrees with jose's on it: both drop the trailing bits of a partial group.
 *
 * @param {string} encoded
 * @returns {Uint8Array | undefined}
 */
function decode(encoded) {
  if (CLEAN_BASE64URL.test(encoded)) {
    return encoded.length % 4 === 1 ? undefined : Buffer.from(encoded, 'base64url')
  }
  try {
    return joseDecode(encoded)
  } catch {
    return undefined
  }
}

/**
 * Scratch space for opening tokens: their IV, tag and ciphertext are decoded into
 * it rather than into three new buffers (Node's pooled `Buffer.from` allocates a
 * fresh 8 KiB pool every few dozen cookies). Safe because `open()` uses them
 * synchronously and hands out only the plaintext, which is its own buffer.
 */
let scratch = Buffer.allocUnsafe(4096)

/**
 * As {@link decode}, into `scratch` at `offset` (grown when too small). Clean
 * base64url decodes to exactly ⌊3n/4⌋ bytes, as `Buffer.from` would.
 *
 * @param {string} encoded
 * @param {number} offset
 * @returns {Uint8Array | undefined} a view of `scratch`, or a new array for unclean input
 */
function decodeInto(encoded, offset) {
  if (!CLEAN_BASE64URL.test(encoded)) return decode(encoded)
  if (encoded.length % 4 === 1) return undefined
  const length = (encoded.length * 3) >>> 2
  if (offset + length > scratch.length) {
    const grown = Buffer.allocUnsafe(Math.max(scratch.length * 2, offset + length))
    scratch.copy(grown, 0, 0, offset)
    scratch = grown
  }
  const written = scratch.write(encoded, offset, length, 'base64url')
  return scratch.subarray(offset, offset + written)
}

/** The protected header jose writes for `{ alg: 'dir', enc }`. */
const canonicalHeader = (enc) => Buffer.from(JSON.stringify({ alg: 'dir', enc })).toString('base64url')

/**
 * What jose decides about a protected header other than the canonical one:
 * `false` to refuse, else whether the plaintext is DEFLATE-compressed.
 *
 * @returns {boolean | undefined} undefined to refuse
 */
function checkHeader(encoded, enc) {
  const bytes = decode(encoded)
  if (!bytes) return undefined
  let header
  try {
    header = JSON.parse(strictDecoder.decode(bytes))
  } catch {
    return undefined
  }
  // jose's isObject: a plain object (JSON.parse makes nothing else but arrays and primitives)
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return undefined
  // No extension is recognised, so any `crit` is refused; `zip` may only be DEF.
  if (header.crit !== undefined) return undefined
  if (header.zip !== undefined && header.zip !== 'DEF') return undefined
  if (header.alg !== 'dir' || header.enc !== enc) return undefined
  return header.zip === 'DEF'
}

/** jose's DEFLATE limit (maxDecompressedLength's default). */
const MAX_INFLATED = 250_000

/** Decompresses as jose does (DecompressionStream 'deflate-raw', same limit), or undefined. */
async function inflate(input) {
  try {
    const stream = new DecompressionStream('deflate-raw')
    const writer = stream.writable.getWriter()
    writer.write(input).catch(() => {})
    writer.close().catch(() => {})
    const chunks = []
    let length = 0
    const reader = stream.readable.getReader()
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      chunks.push(value)
      length += value.byteLength
      if (length > MAX_INFLATED) {
        await reader.cancel().catch(() => {})
        return undefined
      }
    }
    return Buffer.concat(chunks)
  } catch {
    return undefined
  }
}

/**
 * Fresh 96-bit IVs from the CSPRNG, drawn in batches (as Node's randomUUID does):
 * one call to the generator per 256 seals instead of one each. Every IV is used once.
 */
const IV_BYTES = 12
const ivPool = Buffer.alloc(IV_BYTES * 256)
let ivOffset = ivPool.length
function nextIv() {
  if (ivOffset === ivPool.length) {
    randomFillSync(ivPool)
    ivOffset = 0
  }
  const iv = Buffer.from(ivPool.subarray(ivOffset, ivOffset + IV_BYTES))
  ivOffset += IV_BYTES
  return iv
}

/** @type {import('./node.js').nodeProvider['jwe']} */
function jwe(rawKeys, enc) {
  const algorithm = `aes-${enc.slice(1, 4)}-gcm`
  const keys = rawKeys.map((bytes) => createSecretKey(Buffer.from(bytes)))
  const header = canonicalHeader(enc)
  const headerAad = Buffer.from(header, 'latin1')
  const newest = keys[0]
  const options = { authTagLength: 16 }
  return {
    seal(plaintext) {
      const iv = nextIv()
      const cipher = createCipheriv(algorithm, newest, iv, options)
      cipher.setAAD(headerAad)
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      const tag = cipher.getAuthTag()
      return `${header}..${iv.toString('base64url')}.${ciphertext.toString('base64url')}.${tag.toString('base64url')}`
    },
    open(token) {
      // Five parts, found by their four dots (no array of five strings per token). `dir` takes no
      // encrypted key, so the second dot follows the first: jose refuses one whether or not it decodes.
      const first = token.indexOf('.')
      if (first < 0 || token.charCodeAt(first + 1) !== 46 /* '.' */) return undefined
      const third = token.indexOf('.', first + 2)
      const fourth = third < 0 ? -1 : token.indexOf('.', third + 1)
      if (fourth < 0 || token.includes('.', fourth + 1)) return undefined
      const protectedHeader = token.slice(0, first)
      const ivText = token.slice(first + 2, third)
      const ciphertextText = token.slice(third + 1, fourth)
      const tagText = token.slice(fourth + 1)
      let zip = false
      let aad = headerAad
      if (protectedHeader !== header) {
        const checked = checkHeader(protectedHeader, enc)
        if (checked === undefined) return undefined
        zip = checked
        aad = Buffer.from(protectedHeader, 'latin1') // the header decoded, so it is ASCII
      }
      if (ivText === '' || tagText === '') return undefined
      const iv = decodeInto(ivText, 0)
      const tag = decodeInto(tagText, IV_BYTES)
      if (!iv || !tag || iv.length !== IV_BYTES || tag.length !== 16) return undefined
      const ciphertext = decodeInto(ciphertextText, IV_BYTES + 16)
      if (!ciphertext) return undefined
      for (let keyIndex = 0; keyIndex < keys.length; keyIndex++) {
        let plaintext
        try {
          const decipher = createDecipheriv(algorithm, keys[keyIndex], iv, options)
          decipher.setAAD(aad)
          decipher.setAuthTag(tag)
          plaintext = decipher.update(ciphertext)
          decipher.final() // GCM: no more bytes, only the tag's check (throws when it fails)
        } catch {
          continue // wrong key or tampered: try the next key, then give up
        }
        if (!zip) return { payload: decoder.decode(plaintext), keyIndex }
        return inflate(plaintext).then((inflated) => inflated && { payload: decoder.decode(inflated), keyIndex })
      }
      return undefined
    },
  }
}

/** @type {import('./node.js').nodeProvider['hmac']} */
function hmac(secrets) {
  const keys = secrets.map((secret) => createSecretKey(Buffer.from(secret, 'utf8')))
  const mac = (key, value) => createHmac('sha256', key).update(value, 'utf8').digest()
  const text = (digest) => digest.toString('base64').replace(/=+$/, '')
  return {
    sign(value) {
      return text(mac(keys[0], value))
    },
    verify(value, signature) {
      const given = Buffer.from(signature, 'utf8')
      let found = -1
      for (let index = 0; index < keys.length; index++) {
        const expected = Buffer.from(text(mac(keys[index], value)), 'latin1')
        if (expected.length === given.length && timingSafeEqual(expected, given) && found < 0) found = index
      }
      return found
    },
  }
}

/** @type {import('./node.js').nodeProvider} */
export const nodeProvider = { name: 'node', jwe, hmac }

/** The platform's provider, read by the core through `#crypto-provider`. */
export const provider = nodeProvider
