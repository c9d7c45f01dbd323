/**
 * The environment `seshjs/architect` is configured from, and which of its
 * variables shape a runtime: Architect re-reads them on every call, so a
 * runtime is rebuilt when one of them changes (see `runtime.ts`).
 *
 * @module
 */

/** The environment: `process.env` or a plain object of strings. */
export type Env = Readonly<Record<string, string | undefined>>

/** Every variable that changes a runtime: the session engine's, and where the table is found. */
const SHAPING = [
  'ARC_APP_SECRET',
  'ARC_APP_SECRET_ALGO',
  'ARC_FORCE_LEGACY_JWE_SECRET',
  'ARC_APP_NAME',
  'ARC_ENV',
  'NODE_ENV',
  'ARC_SESSION_TABLE_NAME',
  'SESSION_TABLE_NAME',
  'ARC_SESSION_TTL',
  'SESSION_TTL',
  'ARC_SESSION_SAME_SITE',
  'ARC_SESSION_DOMAIN',
  'SESSION_DOMAIN',
  'ARC_SANDBOX',
  'ARC_LOCAL',
  'ARC_STACK_NAME',
  'ARC_INTERNAL_PORT',
  'AWS_REGION',
] as const

/**
 * A string that changes whenever a variable that shapes the runtime changes: a
 * cheap comparison per call.
 *
 * @param env the environment
 */
export function envSignature(env: Env): string {
  let signature = ''
  for (const name of SHAPING) signature += `${env[name] ?? '\u0000'}\u0001`
  return signature
}
