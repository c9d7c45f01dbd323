/**
 * The query seam over a Cloudflare D1 binding. Structural types only: nothing
 * here imports a driver. For libSQL, `node:sqlite` and `bun:sqlite`, the seam
 * is one line (see docs/stores.md).
 *
 * @module
 */
import type { SqlRow } from '../sql.js'
import type { SqliteQuery } from './query.js'

/** A D1 binding (`env.DB`): `prepare(sql).bind(...values).all()` → `{ results }`. */
export interface D1DatabaseLike {
  prepare(sql: string): { bind(...values: any[]): { all(): Promise<{ results?: SqlRow[] | undefined }> } }
}

/**
 * The seam over a D1 binding. D1 cannot cancel a query; the store's deadline
 * answers 503 meanwhile either way.
 *
 * @param db the binding
 */
export function d1Query(db: D1DatabaseLike): SqliteQuery {
  if (db === null || typeof db !== 'object' || typeof db.prepare !== 'function') throw new TypeError('d1Query: db must be a D1 binding (with prepare())')
  return async (sql, params) => (await db.prepare(sql).bind(...params).all()).results ?? []
}
