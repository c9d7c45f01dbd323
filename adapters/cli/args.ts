/**
 * Argument parsing over Node's `util.parseArgs`, with the options every
 * command shares (`--help`, `--json`, `--debug`).
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { usage } from './io.js'

type Options = NonNullable<ParseArgsConfig['options']>

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
export function parse<const O extends Options>(argv: string[], options: O, command: string) {
  try {
    return parseArgs({ args: argv, options: { ...COMMON, ...options }, allowPositionals: true, strict: true })
  } catch (error) {
    throw usage(String((error as Error).message).split('\n')[0]!.replace(/\. To specify a positional.*$/, ''), command)
  }
}

/**
 * A positive integer option.
 *
 * @param value the option's text
 * @param name the option's name
 * @param command the command, for messages
 */
export function positiveInteger(value: string | undefined, name: string, command: string): number | undefined {
  if (value === undefined) return undefined
  const number = Number(value)
  if (!Number.isInteger(number) || number < 1) throw usage(`--${name} must be a positive integer`, command)
  return number
}
