/**
 * `seshjs/admin`: the admin API — sessions listed, read, changed and revoked
 * by id, out of band, over any server store. Web-standard: runs wherever the
 * store's client does (a Node script, a Lambda, a Worker with a KV binding).
 *
 * @example
 * ```ts
 * import { createSessions } from 'seshjs'
 * import { createAdmin } from 'seshjs/admin'
 * import { dynamoStore } from 'seshjs/dynamodb'
 *
 * const admin = createAdmin(createSessions({ env: process.env, store: dynamoStore({ table: 'sessions' }) }))
 * for await (const session of admin.sessions({ user: 'ada' })) console.log(session.id, session.data)
 * await admin.revokeUser('ada')
 * ```
 *
 * @module
 */
export {
  createAdmin,
  type AdminOptions,
  type ListSessionsOptions,
  type RevokeUserOptions,
  type SessionAdmin,
  type SessionPage,
  type SessionSummary,
} from './admin.js'
export { isSessionId } from '../stores/listing.js'
