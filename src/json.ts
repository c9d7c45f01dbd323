/**
 * Session values must survive `JSON.stringify` → `JSON.parse` unchanged, because
 * every store keeps JSON. This module checks that strictly instead of letting
 * JSON silently drop or mangle a value.
 *
 * @module
 */
import { SessionNotSerializableError } from './errors.js'

/** Any value that round-trips through JSON. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

/** Why `value` would not survive JSON, or `undefined` when it would. */
function problemWith(value: unknown, seen: Set<object>): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined
    case 'number':
      return Number.isFinite(value) ? undefined : `${value} is not a finite number`
    case 'bigint':
      return 'a BigInt cannot be written as JSON'
    case 'undefined':
      return 'undefined is dropped by JSON (use unset() to remove a key)'
    case 'function':
      return 'a function cannot be written as JSON'
    case 'symbol':
      return 'a symbol cannot be written as JSON'
  }
  if (value === null) return undefined
  const object = value as object
  if (seen.has(object)) return 'the value contains a cycle'
  seen.add(object)
  try {
    if (Array.isArray(object)) {
      for (let i = 0; i < object.length; i++) {
        if (!(i in object)) return 'an array with holes loses them in JSON'
        const problem = problemWith(object[i], seen)
        if (problem) return problem
      }
      return undefined
    }
    const proto = Object.getPrototypeOf(object)
    if (proto !== Object.prototype && proto !== null) {
      const name = (object as { constructor?: { name?: string } }).constructor?.name ?? 'object'
      return `a ${name} is not a plain object (store ${name === 'Date' ? 'date.toISOString()' : 'plain data'} instead)`
    }
    if (Object.getOwnPropertySymbols(object).length > 0) return 'symbol keys are dropped by JSON'
    for (const key of Object.keys(object)) {
      const problem = problemWith((object as Record<string, unknown>)[key], seen)
      if (problem) return problem
    }
    return undefined
  } finally {
    seen.delete(object)
  }
}

/**
 * Throws a {@link SessionNotSerializableError} naming `key` unless `value`
 * round-trips through JSON exactly.
 *
 * @param key the session key, for the message
 * @param value the value to check
 */
export function assertJsonValue(key: string, value: unknown): asserts value is JsonValue {
  const problem = problemWith(value, new Set())
  if (problem) {
    throw new SessionNotSerializableError(`Session value for key "${key}" cannot be stored: ${problem}.`, key)
  }
}

/**
 * Parses JSON into an object with no prototype, so keys such as `__proto__`
 * stay plain data. Returns `undefined` when the text is not a JSON object.
 *
 * @param text JSON text
 */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined
  return toDataObject(parsed as Record<string, unknown>)
}

/**
 * Copies an object's own enumerable properties into a prototype-less object.
 * `JSON.parse` keeps `__proto__` as an own key; on an object with no prototype
 * `__proto__` is an ordinary key (the accessor lives on `Object.prototype`), so
 * plain assignment stores it as data and never touches a prototype — and costs
 * a fraction of `Object.defineProperty`.
 *
 * @param source the object to copy
 */
export function toDataObject(source: Record<string, unknown>): Record<string, unknown> {
  const data: Record<string, unknown> = Object.create(null)
  for (const key of Object.keys(source)) data[key] = source[key]
  return data
}
