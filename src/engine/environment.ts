/**
 * The runtime's environment, and production or development from `ARC_ENV` and
 * `NODE_ENV`. {@link runtimeEnv} is the one place the core reads the process's
 * own environment; everything else takes the environment it is handed.
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

import { getRuntimeKey } from 'hono/adapter'

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

/** The runtime's own environment, and its name for messages. */
export interface RuntimeEnvironment {
  /** The variables: `process.env`, or a snapshot of `Deno.env`. */
  readonly env: object
  /** `'process.env'` or `'Deno.env'`. */
  readonly name: string
}

interface RuntimeGlobals {
  Deno?: { env?: { toObject?: () => Record<string, string> } }
  process?: { env?: unknown }
}

/**
 * The runtime's own environment, read as Hono's `env()` helper reads it
 * outside Workers: on Deno a snapshot of `Deno.env` (`undefined` without
 * `--allow-env`), else `globalThis.process.env` where it exists (Node, Bun,
 * Lambda, Workers with `nodejs_compat`), else `undefined`. The one function
 * through which the core reads the process's environment (it has no Node
 * types: `process` is looked up on `globalThis`).
 *
 * @example
 * ```ts
 * runtimeEnv()?.name // 'process.env' on Node
 * ```
 */
export function runtimeEnv(): RuntimeEnvironment | undefined {
  const globals = globalThis as RuntimeGlobals
  const deno = globals.Deno?.env
  if (deno && typeof deno.toObject === 'function') {
    try {
      return { env: deno.toObject(), name: 'Deno.env' }
    } catch {
      return undefined // no --allow-env: nothing can be read
    }
  }
  const env = globals.process?.env
  return typeof env === 'object' && env !== null ? { env, name: 'process.env' } : undefined
}

/**
 * Whether the runtime hands its configuration to each request rather than to
 * the process: Cloudflare Workers, whose bindings (`ARC_APP_SECRET`, `ARC_*`
 * variables, KV namespaces) arrive as the fetch handler's `env`. The rule is
 * Hono's (`getRuntimeKey() === 'workerd'`), so `sessions()` and Hono's `env(c)` agree.
 */
export function bindingsPerRequest(): boolean {
  return getRuntimeKey() === 'workerd'
}
