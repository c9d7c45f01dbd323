/**
 * Plain JSON ⇄ DynamoDB `AttributeValue`s, and an item's size computed the way
 * DynamoDB counts it, so an oversized session fails before any request.
 *
 * @module
 */
import { SessionNotSerializableError } from '../../errors.js'

/** A DynamoDB attribute value, in the service's JSON shape (`{ S: 'x' }`, `{ N: '1' }`, ...). */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { L: AttributeValue[] }
  | { M: Record<string, AttributeValue> }
  | { SS: string[] }
  | { NS: string[] }
  | { B: Uint8Array | string }
  | { BS: (Uint8Array | string)[] }

/** A DynamoDB item: attribute name → value. */
export type Item = Record<string, AttributeValue>

/** DynamoDB's item size limit: 400 KB. */
export const ITEM_LIMIT = 400 * 1024

const encoder = new TextEncoder()
const utf8Length = (text: string): number => encoder.encode(text).length

/** DynamoDB numbers: 38 significant digits, magnitude 1E-130 to 9.99…E+125. */
function checkNumber(key: string, value: number): void {
  const magnitude = Math.abs(value)
  if (magnitude !== 0 && (magnitude < 1e-130 || magnitude >= 1e126)) {
    throw new SessionNotSerializableError(
      `Session value for key "${key}" cannot be stored in DynamoDB: ${value} is outside DynamoDB's number range.`,
      key,
    )
  }
}

/** The AWS SDK drops `__proto__` attribute names on the way: refuse them rather than lose data. */
export function protoKey(key: string): SessionNotSerializableError {
  return new SessionNotSerializableError(
    `Session value for key "${key}" cannot be stored in DynamoDB: "__proto__" is not kept as an attribute name.`,
    key,
  )
}

/**
 * Marshals one JSON value the way Architect's client does (strings → S, numbers
 * → N, booleans → BOOL, null → NULL, arrays → L, objects → M).
 *
 * @param value a JSON value (already checked by the engine)
 * @param key the top-level session key, for messages
 */
export function marshal(value: unknown, key: string): AttributeValue {
  switch (typeof value) {
    case 'string':
      return { S: value }
    case 'number':
      checkNumber(key, value)
      return { N: String(value) }
    case 'boolean':
      return { BOOL: value }
  }
  if (value === null) return { NULL: true }
  if (Array.isArray(value)) return { L: value.map((v) => marshal(v, key)) }
  if (typeof value === 'object') {
    const map: Record<string, AttributeValue> = Object.create(null)
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === '__proto__') throw protoKey(key)
      Object.defineProperty(map, k, { value: marshal(v, key), enumerable: true, writable: true, configurable: true })
    }
    return { M: map }
  }
  throw new SessionNotSerializableError(`Session value for key "${key}" cannot be stored in DynamoDB.`, key)
}

function base64Of(bytes: Uint8Array | string): string {
  if (typeof bytes === 'string') return bytes
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

/**
 * Unmarshals one attribute value to JSON. Types JSON lacks (written out of
 * band) map onto the nearest JSON: sets → arrays, binary → base64 strings.
 *
 * @param attribute the attribute value
 */
export function unmarshal(attribute: AttributeValue): unknown {
  if ('S' in attribute) return attribute.S
  if ('N' in attribute) return Number(attribute.N)
  if ('BOOL' in attribute) return attribute.BOOL
  if ('NULL' in attribute) return null
  if ('L' in attribute) return attribute.L.map(unmarshal)
  if ('M' in attribute) return unmarshalItem(attribute.M)
  if ('SS' in attribute) return [...attribute.SS]
  if ('NS' in attribute) return attribute.NS.map(Number)
  if ('B' in attribute) return base64Of(attribute.B)
  if ('BS' in attribute) return attribute.BS.map(base64Of)
  return null
}

/**
 * Unmarshals a map of attributes into a prototype-less object.
 *
 * @param item the attributes
 */
export function unmarshalItem(item: Item): Record<string, unknown> {
  const data: Record<string, unknown> = Object.create(null)
  for (const key of Object.keys(item)) {
    Object.defineProperty(data, key, { value: unmarshal(item[key]!), enumerable: true, writable: true, configurable: true })
  }
  return data
}

/** The size DynamoDB charges for a number: about one byte per two significant digits, plus one. */
function numberSize(text: string): number {
  const digits = text.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '')
  return Math.max(1, Math.ceil(digits.length / 2) + 1) + (text.startsWith('-') ? 1 : 0)
}

/** The size of one attribute value in bytes, as DynamoDB counts it. */
function valueSize(attribute: AttributeValue): number {
  if ('S' in attribute) return utf8Length(attribute.S)
  if ('N' in attribute) return numberSize(attribute.N)
  if ('BOOL' in attribute || 'NULL' in attribute) return 1
  if ('L' in attribute) return 3 + attribute.L.reduce((sum, v) => sum + 1 + valueSize(v), 0)
  if ('M' in attribute) return 3 + Object.keys(attribute.M).length + itemSize(attribute.M)
  if ('SS' in attribute) return attribute.SS.reduce((sum, v) => sum + utf8Length(v), 0)
  if ('NS' in attribute) return attribute.NS.reduce((sum, v) => sum + numberSize(v), 0)
  if ('B' in attribute) return typeof attribute.B === 'string' ? Math.ceil((attribute.B.length * 3) / 4) : attribute.B.length
  if ('BS' in attribute) return attribute.BS.reduce((sum, v) => sum + (typeof v === 'string' ? Math.ceil((v.length * 3) / 4) : v.length), 0)
  return 0
}

/**
 * An item's size in bytes as DynamoDB counts it: UTF-8 attribute names plus
 * value sizes (a list or map adds 3 bytes, and 1 per element).
 *
 * @param item the item
 */
export function itemSize(item: Item): number {
  let size = 0
  for (const name of Object.keys(item)) size += utf8Length(name) + valueSize(item[name]!)
  return size
}
