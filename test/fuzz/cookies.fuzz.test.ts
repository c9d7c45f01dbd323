/** Fuzzing: cookie headers, JWE tokens with arbitrary headers and payloads, signed ids. See arbitraries.ts. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Keyring, signId } from '../../src/crypto/keyring.js'
import { SECRET } from '../helpers.js'
import {
  CHUNKED_BLOB,
  chunkedEngine,
  chunkedHeader,
  chunkSets,
  cookieHeader,
  engines,
  exercise,
  headerText,
  jwe,
  params,
  payloadBytes,
  requestWith,
  RUNS,
  sometimes,
} from './arbitraries.js'

describe(`fuzzing cookies (${RUNS.toLocaleString('en')} runs per target)`, () => {
  it('cookie headers: cookie and memory stores load, read, write and commit without throwing, and see no session', async () => {
    let i = 0
    await fc.assert(
      fc.asyncProperty(cookieHeader, sometimes, async (cookie, write) => {
        const request = requestWith(cookie)
        if (!request) return
        const session = await exercise(i++ % 2 ? engines.cookie : engines.memory, request, write)
        expect(session.isNew).toBe(true)
      }),
      params,
    )
  }, 120_000)

  it('chunked cookie sets: never a throw, and only the genuine set opens (to the genuine data)', async () => {
    const [genuine, foreign] = await chunkSets
    expect(genuine.map(([name]) => name)).toEqual(['_idx', '_idx.1', '_idx.2', '_idx.3'])
    let opened = 0
    await fc.assert(
      fc.asyncProperty(chunkedHeader(genuine, foreign), sometimes, async (cookie, write) => {
        const request = requestWith(cookie)
        if (!request) return
        const session = await exercise(chunkedEngine, request, write)
        if (session.isNew) return
        opened++
        expect(await session.get('blob')).toBe(CHUNKED_BLOB)
      }),
      { ...params, numRuns: Math.ceil(RUNS / 4) }, // each case opens up to 14 KB: a quarter keeps it to seconds
    )
    expect(opened).toBeGreaterThan(0) // the generator does reach the genuine set
  }, 120_000)

  it('JWE tokens sealed with the real key, arbitrary protected headers and payloads: never a throw', async () => {
    let opened = 0
    await fc.assert(
      fc.asyncProperty(headerText, payloadBytes, sometimes, async (header, payload, write) => {
        const request = requestWith(`_idx=${await jwe(header, payload as Uint8Array<ArrayBuffer>)}`)
        if (!request) return
        const session = await exercise(engines.cookie, request, write)
        if (!session.isNew) opened++
      }),
      params,
    )
    expect(opened).toBeGreaterThan(0) // the generator does reach valid sessions
  }, 120_000)

  it('signed ids: valid signatures over arbitrary ids, arbitrary signatures: never a throw, never a session', async () => {
    const keyring = new Keyring([SECRET], 'A256GCM')
    const id = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.stringMatching(/^[A-Za-z0-9_-]{10,140}$/),
      fc.string({ unit: 'binary', maxLength: 60 }),
    )
    await fc.assert(
      fc.asyncProperty(id, fc.boolean(), fc.string({ maxLength: 60 }), sometimes, async (raw, signed, signature, write) => {
        const value = signed ? await signId(raw, keyring) : `${raw}.${signature}`
        const request = requestWith(`_idx=${encodeURIComponent(value)}`)
        if (!request) return
        const session = await exercise(engines.memory, request, write)
        expect(session.isNew).toBe(true)
      }),
      params,
    )
  }, 120_000)
})
