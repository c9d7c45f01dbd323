/**
 * Production or development, from `ARC_ENV` and `NODE_ENV`. Pure: the caller
 * hands in the environment; nothing here reads `process.env`.
 *
 * The rule, as strict as `@architect/functions` (which refuses to load with an
 * unknown `ARC_ENV`), but case-insensitive and trimmed:
 *
 * | variable   | production           | development                                  |
 * |------------|----------------------|----------------------------------------------|
 * | `ARC_ENV`  | `production`, `staging` | `testing`, `test`, `development`, `dev`, `local` |
 * | `NODE_ENV` | `production`, `staging` | `test`, `testing`, `development`, `dev`, `local` |
 *
 * Either variable naming a production environment means production. An unset
 * or empty variable says nothing. `" Production "` is production; any other
 * value (`prod`, a typo) stops start-up with a `TypeError` naming the variable
 * and the accepted values: a typo must not silently fall back to the public
 * development key and cookies without `Secure`.
 *
 * @module
 */

/** What an environment name means. */
export type EnvironmentKind = 'production' | 'development'

const PRODUCTION_NAMES: ReadonlySet<string> = new Set(['production', 'staging'])
const DEVELOPMENT_NAMES: Readonly<Record<'ARC_ENV' | 'NODE_ENV', ReadonlySet<string>>> = {
  ARC_ENV: new Set(['testing', 'test', 'development', 'dev', 'local']),
  NODE_ENV: new Set(['test', 'testing', 'development', 'dev', 'local']),
}

/**
 * What one environment variable says: `production`, `development`, or
 * `undefined` when unset (or empty). Throws a `TypeError` for an unknown name.
 *
 * @example
 * ```ts
 * environmentKind('ARC_ENV', ' Production ') // 'production'
 * environmentKind('ARC_ENV', 'prod')         // throws TypeError
 * ```
 * @param variable `ARC_ENV` or `NODE_ENV`
 * @param value its value
 */
export function environmentKind(variable: 'ARC_ENV' | 'NODE_ENV', value: unknown): EnvironmentKind | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw new TypeError(`${variable} must be a string`)
  const name = value.trim().toLowerCase()
  if (name === '') return undefined
  if (PRODUCTION_NAMES.has(name)) return 'production'
  if (DEVELOPMENT_NAMES[variable].has(name)) return 'development'
  const known = [...PRODUCTION_NAMES, ...DEVELOPMENT_NAMES[variable]].join(', ')
  throw new TypeError(
    `${variable} is set to an unknown environment name (${JSON.stringify(value.slice(0, 40))}). ` +
      `Use one of: ${known}. sesh refuses to guess, so a typo cannot turn production into development ` +
      '(the public development key, cookies without Secure).',
  )
}

/**
 * Whether `env` describes production: `ARC_ENV` or `NODE_ENV` names a
 * production environment (see the module's table). Both are validated, so an
 * unknown name in either throws even when the other decides.
 *
 * @example
 * ```ts
 * isProductionEnvironment({ ARC_ENV: 'staging' }) // true
 * isProductionEnvironment({ NODE_ENV: 'test' })   // false
 * ```
 * @param env the environment (`process.env`, a Worker's `env`)
 */
export function isProductionEnvironment(env: object | undefined): boolean {
  const own = (name: string) => (env && Object.hasOwn(env, name) ? (env as Record<string, unknown>)[name] : undefined)
  const arc = environmentKind('ARC_ENV', own('ARC_ENV'))
  const node = environmentKind('NODE_ENV', own('NODE_ENV'))
  return arc === 'production' || node === 'production'
}
