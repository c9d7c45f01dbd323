/**
 * The cookie store (the default): the whole session sealed into the cookie as a
 * compact JWE, byte-compatible with @architect/functions 8 — payload = data + `iat`.
 *
 * @module
 */
import { open, seal } from '../crypto.js'
import { parseJsonObject, toDataObject } from '../json.js'
import type { SessionStore } from './store.js'

/** Cookies longer than this are not even tried: browsers would not have sent them. */
const MAX_TOKEN_LENGTH = 4096

/** The payload key holding the creation time, written only when an absolute `maxAge` is configured. */
const CREATED = '_created'

/**
 * The cookie store: stateless, nothing to set up. Data is encrypted and
 * authenticated (AES-GCM), so users cannot read or change it, but a cookie
 * cannot be revoked before it expires, and the whole session must fit the
 * browser's 4096-byte cookie limit (about 2.9 KB of JSON) — use a server-side
 * store for more.
 *
 * @example
 * ```ts
 * app.use(sessions({ store: cookieStore() }))
 * ```
 */
export function cookieStore(): SessionStore {
  return {
    stateless: true,
    async read(cookieValue, { keyring }) {
      if (cookieValue.length > MAX_TOKEN_LENGTH) return undefined
      const opened = await open(cookieValue, keyring)
      if (!opened) return undefined
      const payload = parseJsonObject(opened.payload)
      if (!payload) return undefined
      const { iat, [CREATED]: created } = payload
      // Like Architect, a token without a positive numeric iat is not a session.
      if (typeof iat !== 'number' || !Number.isFinite(iat) || iat <= 0) return undefined
      delete payload.iat
      delete payload[CREATED]
      const createdAt = typeof created === 'number' && Number.isFinite(created) ? created : undefined
      return { record: { data: payload, issuedAt: iat, createdAt }, keyIndex: opened.keyIndex }
    },
    async write(record, { keyring }) {
      const payload = toDataObject(record.data)
      if (record.createdAt !== undefined) payload[CREATED] = record.createdAt
      payload.iat = record.issuedAt
      return seal(JSON.stringify(payload), keyring)
    },
    async delete() {
      // Nothing is kept anywhere but in the cookie, which the engine expires.
    },
  }
}
