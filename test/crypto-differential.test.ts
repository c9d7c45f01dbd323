/**
 * Differential property test of the two crypto providers: every generated token
 * (valid, tampered, truncated, other headers, `zip`, `crit`, wrong lengths, other
 * keys, odd base64) goes through the WebCrypto + jose provider and the
 * synchronous `node:crypto` provider, which must take identical decisions and
 * return identical plaintexts and key indexes. `SESH_DIFFERENTIAL_CASES` raises
 * the count (default 100,000).
 */
import { createCipheriv, randomBytes } from 'node:crypto'
import { deflateRawSync } from 'node:zlib'
import fc from 'fast-check'
import { compactDecrypt } from 'jose'
import { describe, expect, it, onTestFinished } from 'vitest'
import { nodeProvider } from '../src/crypto/platform/node.js'
import type { ContentEncryption, Opened } from '../src/crypto/provider.js'
import { webcryptoProvider } from '../src/crypto/webcrypto.js'

const CASES = Number(process.env.SESH_DIFFERENTIAL_CASES ?? 100_000)
const ENCS = ['A256GCM', 'A192GCM', 'A128GCM'] as const
const BYTES: Record<ContentEncryption, number> = { A256GCM: 32, A192GCM: 24, A128GCM: 16 }
const b64u = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url')

/** Per enc: the newest key, an older one (rotation), a foreign one. */
const KEYS = Object.fromEntries(ENCS.map((enc) => [enc, [0, 1, 2].map(() => new Uint8Array(randomBytes(BYTES[enc])))])) as Record<
  ContentEncryption,
  Uint8Array[]
>

/** The protected-header segments worth trying, for a given enc. */
function headerList(enc: ContentEncryption): string[] {
  const other = ENCS.find((e) => e !== enc)!
  const json = (value: unknown) => b64u(JSON.stringify(value))
  const canonical = json({ alg: 'dir', enc })
  return [
    canonical,
    b64u(`{"enc":"${enc}","alg":"dir"}`),
    b64u(`{ "alg" : "dir", "enc" : "${enc}" }`),
    json({ alg: 'dir', enc, kid: 'k1' }),
    json({ alg: 'dir', enc, typ: 'JWT', cty: 'JWT' }),
    json({ alg: 'dir', enc, zip: 'DEF' }),
    json({ alg: 'dir', enc, zip: 'GZIP' }),
    json({ alg: 'dir', enc, zip: null }),
    json({ alg: 'dir', enc, zip: '' }),
    json({ alg: 'dir', enc, crit: ['exp'], exp: 1 }),
    json({ alg: 'dir', enc, crit: [] }),
    json({ alg: 'dir', enc, crit: null }),
    json({ alg: 'dir', enc, crit: ['b64'], b64: false }),
    json({ alg: 'A256KW', enc }),
    json({ alg: 'none', enc }),
    json({ alg: 'dir', enc: other }),
    json({ alg: 'dir' }),
    json({ enc }),
    json({ alg: '', enc }),
    json({ alg: ['dir'], enc }),
    json({ alg: 'dir', enc, epk: {}, apu: 'x' }),
    b64u(`{"alg":"none","alg":"dir","enc":"${enc}"}`),
    b64u(`{"alg":"dir","enc":"${enc}","alg":"none"}`),
    b64u(`{"__proto__":{"crit":["x"]},"alg":"dir","enc":"${enc}"}`),
    json([]),
    json(null),
    json(1),
    json('dir'),
    b64u('not json'),
    b64u(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])), // {"\xff":1}: invalid UTF-8
    b64u(`{"alg":"dir","enc":"${enc}","x":"\u00e9"}`),
    '',
    `${canonical}=`,
    `${canonical}==`,
    `${canonical} `,
    ` ${canonical}`,
    `${canonical.slice(0, 5)}\n${canonical.slice(5)}`,
    canonical.replace(/-/g, '+').replace(/_/g, '/'),
    Buffer.from(JSON.stringify({ alg: 'dir', enc })).toString('base64'),
    json({ alg: 'dir', enc, p: '\u00ff\u00fe?>' }).replace(/_/g, '/').replace(/-/g, '+'),
    `${canonical}é`,
    canonical.slice(0, -1),
  ]
}

/** Plaintexts (JSON, any text, lone surrogates, arbitrary bytes), sampled once: strings are the slow part to generate. */
const PLAINTEXTS: (string | Uint8Array)[] = fc.sample(
  fc.oneof(
    fc.json({ maxDepth: 2 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.uint8Array({ maxLength: 40 }),
  ),
  { numRuns: 2000, seed: 1 },
)
const JUNK = fc.sample(fc.string({ maxLength: 3 }), { numRuns: 200, seed: 2 })

const HEADERS = Object.fromEntries(ENCS.map((enc) => [enc, headerList(enc)])) as Record<ContentEncryption, string[]>
const ZIPPED = new Set(
  Object.values(HEADERS)
    .flat()
    .filter((h) => safeAtob(h).includes('"zip":"DEF"')),
)
/** Over jose's 250,000-byte inflate limit by one. */
const BOMB = deflateRawSync(Buffer.alloc(250_001))
const deflated = new Map<string | Uint8Array, Buffer>()

const segmentJunk = ['A', 'AA', 'AAA', 'AAAA', '=', 'AA==', '!', ' ', '\t', 'é', '+', '/', '-', '_', '.']

interface Recipe {
  enc: ContentEncryption
  rotation: boolean
  key: number // 0 newest, 1 older (accepted only with rotation), 2 foreign
  header: number
  sealer: 'raw' | 'jose'
  plaintext: string | Uint8Array
  ivBytes: number
  tagBytes: number
  encryptedKey: string
  aadMatches: boolean
  inflateBomb: boolean
  mutation: { kind: 'none' | 'flip' | 'insert' | 'delete' | 'truncate' | 'append' | 'shift' | 'pad' | 'junk'; at: number; junk: string }
}

const recipe: fc.Arbitrary<Recipe> = fc.record({
  enc: fc.constantFrom(...ENCS),
  rotation: fc.boolean(),
  key: fc.oneof(
    { arbitrary: fc.constant(0), weight: 6 },
    { arbitrary: fc.constant(1), weight: 2 },
    { arbitrary: fc.constant(2), weight: 1 },
  ),
  header: fc.oneof({ arbitrary: fc.constant(0), weight: 8 }, { arbitrary: fc.nat({ max: 60 }), weight: 6 }),
  sealer: fc.oneof({ arbitrary: fc.constant('raw' as const), weight: 19 }, { arbitrary: fc.constant('jose' as const), weight: 1 }),
  plaintext: fc.nat({ max: PLAINTEXTS.length - 1 }).map((i) => PLAINTEXTS[i]!),
  ivBytes: fc.oneof({ arbitrary: fc.constant(12), weight: 12 }, { arbitrary: fc.constantFrom(0, 8, 11, 13, 16), weight: 1 }),
  tagBytes: fc.oneof({ arbitrary: fc.constant(16), weight: 12 }, { arbitrary: fc.constantFrom(0, 4, 12, 15, 17), weight: 1 }),
  encryptedKey: fc.oneof(
    { arbitrary: fc.constant(''), weight: 20 },
    { arbitrary: fc.constantFrom('AAAA', 'A', '!', ' ', 'AA=='), weight: 1 },
  ),
  aadMatches: fc.oneof({ arbitrary: fc.constant(true), weight: 30 }, { arbitrary: fc.constant(false), weight: 1 }),
  inflateBomb: fc.oneof({ arbitrary: fc.constant(false), weight: 200 }, { arbitrary: fc.constant(true), weight: 1 }),
  mutation: fc.record({
    kind: fc.oneof(
      { arbitrary: fc.constant('none' as const), weight: 8 },
      { arbitrary: fc.constantFrom('flip', 'insert', 'delete', 'truncate', 'append', 'shift', 'pad', 'junk' as const), weight: 8 },
    ),
    at: fc.nat(),
    junk: fc.constantFrom(...segmentJunk, ...JUNK),
  }),
})

/** Builds a token by hand with node:crypto, so lengths, AAD and headers can be anything. */
function build(r: Recipe): string {
  const key = KEYS[r.enc][r.key]!
  const plaintext = typeof r.plaintext === 'string' ? Buffer.from(r.plaintext, 'utf8') : Buffer.from(r.plaintext)
  const list = HEADERS[r.enc]
  const header = list[r.header % list.length]!
  const zipped = ZIPPED.has(header)
  let body: Buffer = plaintext
  if (r.inflateBomb) body = BOMB
  else if (zipped && r.mutation.at % 3 !== 0) {
    if (!deflated.has(r.plaintext)) deflated.set(r.plaintext, deflateRawSync(plaintext))
    body = deflated.get(r.plaintext)!
  }
  const iv = randomBytes(r.ivBytes || 12)
  const cipher = createCipheriv(`aes-${BYTES[r.enc] * 8}-gcm` as 'aes-256-gcm', key, iv, { authTagLength: 16 })
  cipher.setAAD(Buffer.from(r.aadMatches ? header : `${header}x`, 'latin1'))
  const ciphertext = Buffer.concat([cipher.update(body), cipher.final()])
  let tag = cipher.getAuthTag()
  let ct = ciphertext
  if (r.tagBytes < 16) tag = tag.subarray(0, r.tagBytes)
  if (r.tagBytes === 17 && ct.length > 0) {
    // one byte moved from the ciphertext to the tag: the same bytes, split differently
    tag = Buffer.concat([ct.subarray(-1), tag])
    ct = ct.subarray(0, -1)
  }
  return [header, r.encryptedKey, r.ivBytes === 0 ? '' : b64u(iv), b64u(ct), r.tagBytes === 0 ? '' : b64u(tag)].join('.')
}

function safeAtob(segment: string): string {
  try {
    return atob(segment.replace(/-/g, '+').replace(/_/g, '/'))
  } catch {
    return ''
  }
}

function mutate(token: string, { kind, at, junk }: Recipe['mutation']): string {
  const i = token.length === 0 ? 0 : at % token.length
  switch (kind) {
    case 'none':
      return token
    case 'flip': {
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
      const replacement = alphabet[(alphabet.indexOf(token[i]!) + 1 + (at % 63)) % 64]!
      return token.slice(0, i) + replacement + token.slice(i + 1)
    }
    case 'insert':
      return token.slice(0, i) + junk + token.slice(i)
    case 'delete':
      return token.slice(0, i) + token.slice(i + 1)
    case 'truncate':
      return token.slice(0, i)
    case 'append':
      return token + junk
    case 'shift': {
      // move a segment boundary by one character
      const dots = [...token.matchAll(/\./g)].map((m) => m.index!)
      const dot = dots[at % Math.max(1, dots.length)]
      if (dot === undefined || dot === 0) return token
      return token.slice(0, dot - 1) + '.' + token[dot - 1] + token.slice(dot + 1)
    }
    case 'pad': {
      // standard-base64 padding or whitespace inside one segment
      const parts = token.split('.')
      const p = at % parts.length
      const segment = parts[p]!
      parts[p] = at % 2 ? segment + '='.repeat((4 - (segment.length % 4)) % 4) : segment.slice(0, 2) + ' ' + segment.slice(2)
      return parts.join('.')
    }
    case 'junk':
      return junk.repeat(1 + (at % 5))
  }
}

async function joseSeal(r: Recipe): Promise<string> {
  return webcryptoProvider.jwe([KEYS[r.enc][r.key]!], r.enc).seal(typeof r.plaintext === 'string' ? r.plaintext : 'x')
}

describe(`the node:crypto provider against WebCrypto + jose (${CASES.toLocaleString('en')} tokens)`, () => {
  it('opens and refuses exactly the same tokens, with the same plaintexts and key indexes', async () => {
    const ciphers = Object.fromEntries(
      ENCS.flatMap((enc) =>
        [false, true].map((rotation) => {
          const keys = rotation ? [KEYS[enc][0]!, KEYS[enc][1]!] : [KEYS[enc][0]!]
          return [`${enc}${rotation}`, { jose: webcryptoProvider.jwe(keys, enc), node: nodeProvider.jwe(keys, enc) }]
        }),
      ),
    )
    // jose refuses by throwing: without stack traces, its refusals cost what the work costs.
    const stackTraceLimit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    onTestFinished(() => {
      Error.stackTraceLimit = stackTraceLimit
    })
    const started = performance.now()
    const recipes = fc.sample(recipe, { numRuns: CASES, seed: Number(process.env.SESH_DIFFERENTIAL_SEED ?? 20261125) })
    const mismatches: { token: string; jose: Opened | undefined; node: Opened | undefined }[] = []
    let accepted = 0
    const BATCH = 500
    for (let start = 0; start < recipes.length; start += BATCH) {
      const batch = recipes.slice(start, start + BATCH)
      const tokens = await Promise.all(batch.map(async (r) => mutate(r.sealer === 'jose' ? await joseSeal(r) : build(r), r.mutation)))
      const joseResults = await Promise.all(batch.map((r, i) => ciphers[`${r.enc}${r.rotation}`]!.jose.open(tokens[i]!)))
      for (let i = 0; i < batch.length; i++) {
        const r = batch[i]!
        const node = await ciphers[`${r.enc}${r.rotation}`]!.node.open(tokens[i]!)
        const jose = joseResults[i]
        if (jose) accepted++
        if (JSON.stringify(node) !== JSON.stringify(jose) && mismatches.length < 10) mismatches.push({ token: tokens[i]!, jose, node })
      }
    }
    console.log(`${CASES} tokens, ${accepted} accepted, in ${Math.round(performance.now() - started)} ms`)
    expect(mismatches).toEqual([])
    // The generator must exercise both outcomes in earnest.
    expect(accepted).toBeGreaterThan(CASES * 0.2)
    expect(accepted).toBeLessThan(CASES * 0.8)
  }, 120_000)

  it('writes what jose reads: the same header bytes, 96-bit IV, 128-bit tag', async () => {
    for (const enc of ENCS) {
      const key = KEYS[enc][0]!
      const token = await nodeProvider.jwe([key], enc).seal('{"a":"é\ud800","iat":1}')
      const joseToken = await webcryptoProvider.jwe([key], enc).seal('{}')
      const [header, encryptedKey, iv, , tag] = token.split('.')
      expect(header).toBe(joseToken.split('.')[0])
      expect(encryptedKey).toBe('')
      expect(Buffer.from(iv!, 'base64url')).toHaveLength(12)
      expect(Buffer.from(tag!, 'base64url')).toHaveLength(16)
      const { plaintext, protectedHeader } = await compactDecrypt(token, key)
      expect(protectedHeader).toEqual({ alg: 'dir', enc })
      expect(new TextDecoder().decode(plaintext)).toBe('{"a":"é\ufffd","iat":1}')
    }
  })

  it('opens tokens of every size, large and small in turn, to their own plaintexts', async () => {
    // The node provider decodes into a reused buffer that grows: sizes around and past its start.
    const key = KEYS.A256GCM[0]!
    const node = nodeProvider.jwe([key], 'A256GCM')
    const jose = webcryptoProvider.jwe([key], 'A256GCM')
    const sizes = [0, 1, 3000, 4000, 4080, 4096, 5000, 2, 20_000, 10, 70_000, 4090]
    const sealed = await Promise.all(
      sizes.map(async (size, i) => ({
        plaintext: String.fromCharCode(97 + i).repeat(size),
        token: await jose.seal(String.fromCharCode(97 + i).repeat(size)),
      })),
    )
    for (const round of [1, 2]) {
      for (const { plaintext, token } of round === 1 ? sealed : [...sealed].reverse()) {
        expect((await node.open(token))?.payload).toBe(plaintext)
        const tampered = `${token.slice(0, -3)}${token.at(-3) === 'A' ? 'B' : 'A'}${token.slice(-2)}` // one tag byte changed
        expect(await node.open(tampered)).toBeUndefined()
      }
    }
  })

  it('never repeats an IV', () => {
    const cipher = nodeProvider.jwe([KEYS.A256GCM[0]!], 'A256GCM')
    const ivs = new Set(Array.from({ length: 5000 }, () => (cipher.seal('{}') as string).split('.')[2]))
    expect(ivs.size).toBe(5000)
  })

  it('signs and verifies ids identically', async () => {
    const secrets = fc.sample(fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 3 }), {
      numRuns: 200,
      seed: 7,
    })
    const values = fc.sample(fc.string({ unit: 'binary', maxLength: 30 }), { numRuns: 200, seed: 8 })
    for (let i = 0; i < secrets.length; i++) {
      const jose = webcryptoProvider.hmac(secrets[i]!)
      const node = nodeProvider.hmac(secrets[i]!)
      const value = values[i]!
      const signature = await jose.sign(value)
      expect(node.sign(value)).toBe(signature)
      const older = await webcryptoProvider.hmac([secrets[i]!.at(-1)!]).sign(value)
      for (const candidate of [signature, older, signature.slice(1), `${signature}=`, signature.toLowerCase(), 'é'.repeat(43), '']) {
        expect(await node.verify(value, candidate)).toBe(await jose.verify(value, candidate))
      }
    }
  })
})
