import { describe, expect, it } from 'vitest'
import { cookieStore, createSessions, SessionServerStoreRequiredError } from 'seshjs'
import { createAdmin } from 'seshjs/admin'
import { SECRET } from '../helpers.js'
import { describeStore } from './conformance.js'
import { describeLifecycle } from './lifecycle-conformance.js'

describeStore('cookie', {
  make: () => cookieStore(),
  keepsRecords: false,
  optimistic: false,
  limit: { fits: { blob: 'x'.repeat(2800) }, tooLarge: { blob: 'x'.repeat(3200) }, bytes: 4096 },
})

describeLifecycle('cookie', { make: () => cookieStore(), keepsRecords: false })

describe('cookie store: admin API', () => {
  it('says plainly that it needs a server-side store', async () => {
    const admin = createAdmin(createSessions({ secret: SECRET, store: cookieStore() }))
    for (const call of [() => admin.list(), () => admin.count(), () => admin.revokeUser('ada'), () => admin.get('x'.repeat(24))]) {
      const error = await call().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(SessionServerStoreRequiredError)
      expect((error as SessionServerStoreRequiredError).code).toBe('ERR_SESSION_SERVER_STORE_REQUIRED')
    }
  })
})
