/**
 * `npm run start:worker`: wrangler dev on local workerd, with wrangler.toml,
 * honouring PORT and passing the shell's ARC_* variables as bindings.
 */
import { compactDecrypt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEVELOPMENT_SECRETS, jweKeyBytes } from '../../src/crypto/keyring.js'
import { CookieJar } from '../helpers.js'
import { count, show } from './counter-suite.js'
import { type Runtime, startWranglerDev } from './runtimes.js'

describe('start:worker (wrangler dev)', () => {
  const CUSTOM = 'wrangler-shell-secret-0123456789-abcdef'
  let worker: Runtime
  beforeAll(async () => {
    worker = await startWranglerDev({ ARC_APP_SECRET: CUSTOM })
  })
  afterAll(async () => {
    await worker?.stop()
  })

  it('serves the counter with the shell ARC_APP_SECRET as a binding', async () => {
    const jar = new CookieJar()
    expect(await show(jar, worker.url)).toBe(0)
    expect(await count(jar, worker.url)).toBe(1)
    expect(await count(jar, worker.url)).toBe(2)
    const token = jar.cookies.get('_idx')!
    const { plaintext } = await compactDecrypt(token, jweKeyBytes(CUSTOM, 'A256GCM'))
    expect(JSON.parse(new TextDecoder().decode(plaintext))).toMatchObject({ count: 2 })
    await expect(compactDecrypt(token, jweKeyBytes(DEVELOPMENT_SECRETS.A256GCM, 'A256GCM'))).rejects.toThrow()
  })
})
