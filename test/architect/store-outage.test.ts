/**
 * Intended difference: a session store that cannot be reached is a 503 for
 * sesh, never an empty session; for Architect it is a thrown error (a Lambda
 * error: API Gateway answers 500). Both under the sandbox's discovery (a fake
 * internal SSM service on loopback), with the DynamoDB port closed.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createArchitect } from 'seshjs/architect'
import { freePort } from '../../scripts/free-port.js'
import { SECRET } from '../helpers.js'
import { loadArc, setEnv } from './arc.js'
import { v2 } from './events.js'
import { startFakeSsm, type FakeSsm } from './fake-ssm.js'

let ssm: FakeSsm
const saved = { ...process.env }

beforeAll(async () => {
  ssm = await startFakeSsm('ShopTesting', { sessions: 'shop-staging-sessions' })
})
afterAll(async () => {
  process.env = saved
  await ssm?.close()
})

it('DynamoDB unreachable: sesh answers 503 (Architect throws)', async () => {
  const env = {
    ARC_ENV: 'testing',
    ARC_APP_NAME: 'shop',
    ARC_APP_SECRET: SECRET,
    ARC_SESSION_TABLE_NAME: 'sessions',
    ARC_SANDBOX: JSON.stringify({ ports: { _arc: ssm.port, tables: await freePort() }, version: '8.0.0' }),
  }
  const handler = async () => ({ session: { user: 'ada' }, text: 'logged in' })
  const s = await createArchitect({ env }).http(handler)(v2())
  expect(s.statusCode).toBe(503)
  expect(s.cookies).toBeUndefined()

  setEnv(env)
  Object.assign(process.env, {
    ARC_SANDBOX: env.ARC_SANDBOX,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_EC2_METADATA_DISABLED: 'true',
  })
  await expect(loadArc().http.async(handler)(v2())).rejects.toThrow()
})
