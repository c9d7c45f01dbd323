/**
 * The reproduction: AWS_ENDPOINT_URL_DYNAMODB points at a TCP server
 * that accepts connections and never answers. With everything at its default
 * (the client sesh creates, the default deadline), a read with a valid signed
 * cookie fails with SessionStoreUnavailableError within the deadline, and the
 * client gives up the connection.
 */
import { createServer, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSessions, SessionStoreUnavailableError } from 'seshjs'
import { dynamoStore } from 'seshjs/dynamodb'
import { Keyring, signId } from '../../src/crypto/keyring.js'
import { DEFAULT_STORE_TIMEOUT } from '../../src/stores/deadline.js'
import { noHangBound, SECRET } from '../helpers.js'

const sockets = new Set<Socket>()
let closed = 0
const silent = createServer((socket) => {
  sockets.add(socket) // accept, read, never answer
  socket.on('data', () => {})
  socket.on('close', () => {
    sockets.delete(socket)
    closed++
  })
})
const saved = { ...process.env }

beforeAll(async () => {
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  process.env.AWS_ENDPOINT_URL_DYNAMODB = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`
  delete process.env.AWS_REGION
  delete process.env.AWS_ACCESS_KEY_ID
  delete process.env.AWS_PROFILE
})

afterAll(async () => {
  process.env = saved
  for (const socket of sockets) socket.destroy()
  await new Promise((resolve) => silent.close(resolve))
})

describe('a DynamoDB endpoint that accepts and never answers, everything at its default', () => {
  it('session.get() rejects with SessionStoreUnavailableError within the default deadline', async () => {
    const engine = createSessions({ secret: SECRET, store: dynamoStore({ table: 'sessions' }) })
    const cookie = await signId('abcdefghijklmnopqrstuvwx', new Keyring([SECRET], 'A256GCM'))
    const session = await engine.load(new Request('http://localhost/', { headers: { cookie: `_idx=${cookie}` } }))
    const started = performance.now()
    const error = await session.get('count').catch((e: unknown) => e)
    const elapsed = performance.now() - started
    expect(error).toBeInstanceOf(SessionStoreUnavailableError)
    expect(elapsed).toBeLessThan(noHangBound(DEFAULT_STORE_TIMEOUT)) // the server never answers: without a bound, the test's timeout
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(closed).toBeGreaterThan(0) // the SDK gave up on the wire too (request timeout / abort): nothing left hanging
  }, 20_000)
})
