/**
 * Opt-in optimistic concurrency for server-side stores that can write
 * conditionally (DynamoDB, memory): a version travels in the record's `extra`
 * from the read to the next write, and the write succeeds only if the stored
 * version is still the one that was read.
 *
 * @module
 */
import { SessionConflictError } from '../errors.js'
import { assertJsonValue, parseJsonObject, toDataObject } from '../json.js'
import { FLASH_KEY, type SessionData, type StoredRecord } from './contract.js'

/**
 * Combines a conflicting write with what another request stored meanwhile.
 * Gets copies of the user's data (without flash values): `base` as this request
 * read it, `mine` as this request wants to write it, `current` as it is stored
 * now. Returns the data to write instead of `mine`.
 */
export type MergeFunction = (base: SessionData, mine: SessionData, current: SessionData) => SessionData

/** Options of stores that support optimistic concurrency. */
export interface ConcurrencyOptions {
  /**
   * `'last-write-wins'`: every write replaces the record (Architect's
   * behaviour): two requests that read the same session and both write lose
   * the first write. `'optimistic'`: a version attribute and a conditional
   * write; the losing request gets a {@link SessionConflictError}
   * (`ERR_SESSION_CONFLICT`), or, with `merge`, a re-read and retry.
   * A conflicting write whose data equals what it read (a renewal) is dropped silently.
   * @default 'last-write-wins', or 'optimistic' when `merge` is given
   */
  concurrency?: 'last-write-wins' | 'optimistic' | undefined
  /** Resolves conflicts instead of raising them (implies `'optimistic'`). */
  merge?: MergeFunction | undefined
  /**
   * How many times a write is re-tried through `merge` before it gives up
   * with a {@link SessionConflictError}.
   * @default 3
   */
  mergeAttempts?: number | undefined
}

/** The options after validation. @internal */
export interface ResolvedConcurrency {
  optimistic: boolean
  merge: MergeFunction | undefined
  mergeAttempts: number
}

/** `extra` keys used here. @internal */
export const VERSION = 'version'
/** The data as read, as JSON, to tell renewals apart and to hand `merge` its base. @internal */
export const BASE = 'base'

/**
 * Validates {@link ConcurrencyOptions}.
 *
 * @param options the store's options
 * @param where the factory's name, for messages
 */
export function resolveConcurrency(options: ConcurrencyOptions, where: string): ResolvedConcurrency {
  const { concurrency, merge } = options
  if (concurrency !== undefined && concurrency !== 'last-write-wins' && concurrency !== 'optimistic') {
    throw new TypeError(`${where}: concurrency must be 'last-write-wins' or 'optimistic'`)
  }
  if (merge !== undefined && typeof merge !== 'function') throw new TypeError(`${where}: merge must be a function`)
  if (merge !== undefined && concurrency === 'last-write-wins') {
    throw new TypeError(`${where}: merge needs concurrency: 'optimistic'`)
  }
  const mergeAttempts = options.mergeAttempts ?? 3
  if (!Number.isInteger(mergeAttempts) || mergeAttempts < 1) {
    throw new TypeError(`${where}: mergeAttempts must be a positive integer`)
  }
  return { optimistic: concurrency === 'optimistic' || merge !== undefined, merge, mergeAttempts }
}

/**
 * The version to expect when writing a record back: `undefined` when it must
 * not exist yet (a new or moved session), `0` when it was stored without a
 * version (written by Architect or in last-write-wins mode).
 *
 * @param extra the record's extra attributes
 */
export function expectedVersion(extra: Record<string, unknown> | undefined): number | undefined {
  const version = extra?.[VERSION]
  return typeof version === 'number' ? version : undefined
}

/**
 * The error of a `regenerate()` in optimistic mode whose session another
 * request changed since it was read: the session is not moved (the move would
 * copy this request's stale data over that change).
 */
export function moveConflict(): SessionConflictError {
  return new SessionConflictError('The session was changed by another request since it was read, so it was not moved to a new id.')
}

/** Writes conditionally; the backing store's half of {@link optimisticSet}. @internal */
export interface ConditionalKeeper {
  /** The stored record, with `extra[VERSION]` set (0 when it has none). */
  get(id: string, now: number): Promise<StoredRecord | undefined>
  /**
   * Writes `record` (whose `extra[VERSION]` is the new version) only if the
   * stored version is `expected` (`undefined`: nothing stored; `0`: stored
   * without a version). Returns `false` when the condition failed.
   */
  put(id: string, record: StoredRecord, expected: number | undefined): Promise<boolean>
}

function withoutFlash(data: SessionData): SessionData {
  const copy = toDataObject(data)
  delete copy[FLASH_KEY]
  return copy
}

/**
 * Writes `record` with a version check, merging and retrying on conflict when
 * a merge function is configured.
 *
 * @param keeper the conditional operations
 * @param id the session id
 * @param record the record to write, with the `extra` it was read with
 * @param now now, in epoch seconds
 * @param options the resolved concurrency options
 */
export async function optimisticSet(
  keeper: ConditionalKeeper,
  id: string,
  record: StoredRecord,
  now: number,
  options: ResolvedConcurrency,
): Promise<StoredRecord> {
  let baseJson = typeof record.extra?.[BASE] === 'string' ? (record.extra[BASE] as string) : undefined
  let expected = expectedVersion(record.extra)
  let data = record.data
  for (let attempt = 0; ; attempt++) {
    const json = JSON.stringify(data)
    const extra = { ...record.extra, [VERSION]: (expected ?? 0) + 1, [BASE]: json }
    const next: StoredRecord = { ...record, data, extra }
    if (await keeper.put(id, next, expected)) return next

    const current = expected === undefined ? undefined : await keeper.get(id, now)
    if (current && baseJson !== undefined && json === baseJson) return current // nothing of ours to add: fine
    if (!current || !options.merge || attempt >= options.mergeAttempts) {
      throw new SessionConflictError(
        current
          ? 'The session was changed by another request since it was read.'
          : 'The session was deleted or replaced by another request since it was read.',
      )
    }
    const base = withoutFlash(baseJson === undefined ? {} : (parseJsonObject(baseJson) ?? {}))
    const merged = options.merge(base, withoutFlash(data), withoutFlash(current.data))
    if (merged === null || typeof merged !== 'object' || Array.isArray(merged)) {
      throw new TypeError('merge() must return a plain object')
    }
    data = toDataObject(merged)
    for (const key of Object.keys(data)) assertJsonValue(key, data[key])
    if (record.data[FLASH_KEY] !== undefined) data[FLASH_KEY] = record.data[FLASH_KEY]
    baseJson = JSON.stringify(current.data) // the merge now builds on what is stored
    expected = expectedVersion(current.extra) ?? 0
  }
}
