/**
 * The core `Session` ⇄ Architect's plain session object.
 *
 * @module
 */
import { RESERVED_KEYS, type Session } from '../src/index.js'
import type { Runtime } from './runtime.js'
import type { PlainSession } from './types.js'

/**
 * The loaded session as Architect hands it to handlers: the data, plus `iat`
 * for cookie (JWE) sessions and `_idx` / `_secret` / `_ttl` for server-side
 * ones (`_idx` alone for a session not yet written). `{}` when there is no
 * cookie session.
 *
 * @param session a session from the runtime (loaded here)
 * @param runtime the runtime it came from
 */
export async function toPlain(session: Session, runtime: Pick<Runtime, 'kind'>): Promise<PlainSession> {
  const data: PlainSession = { ...(await session.all()) }
  const { id, isNew, issuedAt, expiresAt, extra } = session.info
  if (runtime.kind === 'cookie') return isNew ? data : { ...data, iat: issuedAt }
  const meta: PlainSession = { _idx: id }
  if (!isNew) {
    if (typeof extra?._secret === 'string') meta._secret = extra._secret
    meta._ttl = expiresAt
  }
  return { ...meta, ...data }
}

/**
 * Replaces the session's data with `plain` (Architect's clobber semantics),
 * ignoring the keys Architect and sesh keep for themselves (`iat`, `_idx`,
 * `_secret`, `_ttl`, …) and top-level `undefined` values (which JSON drops).
 * Other values must round-trip through JSON.
 *
 * @param session the session
 * @param plain the new data
 */
export function applyPlain(session: Session, plain: PlainSession): void {
  const data: PlainSession = {}
  for (const key of Object.keys(plain)) {
    if (RESERVED_KEYS.has(key) || plain[key] === undefined) continue
    data[key] = plain[key]
  }
  session.replace(data)
}
