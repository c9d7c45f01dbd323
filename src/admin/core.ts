/**
 * `seshjs/admin`: sessions by id, out of band — list, count, read, change,
 * revoke, and log a user out everywhere.
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
