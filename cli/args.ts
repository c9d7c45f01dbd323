/**
 * Argument parsing over Node's `util.parseArgs`, with the options every
 * command shares (`--help`, `--json`, `--debug`).
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'

/** The flags every command takes. */
export interface CommonFlags {
  help?: boolean
  json?: boolean
  debug?: boolean
}

/** What {@link parse} returns: option values by name, and the positional arguments. */
export interface Parsed<V> {
  values: V & CommonFlags
  positionals: string[]
}
import { usage } from './io.js'

type Options = NonNullable<ParseArgsConfig['options']>

/** The string options that may be given empty (`--prefix ''`: Redis keys with no prefix). */
const MAY_BE_EMPTY = new Set(['prefix'])

/** A session id (16 to 128 base64url characters) that starts with a dash. */
const ID_LIKE = /^-[A-Za-z0-9_-]{15,127}$/

/** The options every command takes. */
export const COMMON = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  debug: { type: 'boolean' },
} as const satisfies Options

/**
 * Parses `argv` for `command`, refusing unknown options with a usage error.
 *
 * @param argv the arguments after the command's name
 * @param options the command's own options
 * @param command the command's name, for messages
 */
export function parse<V extends object = object>(argv: string[], options: Options, command: string): Parsed<V> {
  const all: Options = { ...COMMON, ...options }
  // A session id may begin with '-' or '--' (base64url): one that names no option is an argument, not an option.
  const ids = new Map<string, string>()
  const takesValue = (arg: string | undefined) => arg?.startsWith('--') === true && all[arg.slice(2)]?.type === 'string'
  const args = argv.map((arg, i) => {
    if (!ID_LIKE.test(arg) || Object.hasOwn(all, arg.replace(/^--?/, '').split('=')[0]!) || takesValue(argv[i - 1])) return arg
    const stand = `\u0000${i}` // no argument holds a NUL
    ids.set(stand, arg)
    return stand
  })
  let parsed: { values: Record<string, unknown>; positionals: string[] }
  try {
    parsed = parseArgs({ args, options: all, allowPositionals: true, strict: true })
  } catch (error) {
    throw usage(
      String((error as Error).message)
        .split('\n')[0]!
        .replace(/\. To specify a positional.*$/, ''),
      command,
    )
  }
  for (const [name, value] of Object.entries(parsed.values)) {
    const empty = Array.isArray(value) ? value.some((v) => v === '') : value === ''
    if (empty && !MAY_BE_EMPTY.has(name)) throw usage(`--${name} needs a value`, command)
  }
  return { values: parsed.values as V & CommonFlags, positionals: parsed.positionals.map((arg) => ids.get(arg) ?? arg) }
}

/**
 * Refuses positional arguments a command does not take.
 *
 * @param positionals the arguments left over
 * @param command the command, for messages
 */
export function noArguments(positionals: string[], command: string): void {
  if (positionals.length > 0) throw usage(`unexpected argument "${positionals[0]}"`, command)
}

/**
 * A positive integer option, in decimal digits, optionally within bounds.
 *
 * @param value the option's text
 * @param name the option's name
 * @param command the command, for messages
 * @param range the smallest and largest values allowed
 */
export function positiveInteger(
  value: string | undefined,
  name: string,
  command: string,
  range?: { min: number; max: number },
): number | undefined {
  if (value === undefined) return undefined
  const number = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) throw usage(`--${name} must be a positive integer`, command)
  if (range && (number < range.min || number > range.max)) throw usage(`--${name} must be between ${range.min} and ${range.max}`, command)
  return number
}
