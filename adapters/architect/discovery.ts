/**
 * Under Architect's sandbox, `ARC_SESSION_TABLE_NAME` is a logical table name
 * (`sessions`) and the tables live in the sandbox's local DynamoDB. This finds
 * the physical name through the sandbox's internal SSM service and the local
 * endpoint, as `@architect/functions` does. Deployed apps name the physical
 * table (or pass `dynamoStore`).
 *
 * @module
 */
import type { Env } from './runtime.js'

/** Where a session table is, locally. */
export interface LocalTable {
  /** The physical table name. */
  table: string
  /** The sandbox's DynamoDB endpoint. */
  endpoint: string
}

/** Architect's logical ids: `sesh-architect-testing` → `SeshArchitectTesting`. */
function toLogicalId(text: string): string {
  const words = text.replace(/([A-Z])/g, ' $1').replace(/^[\W_]+|[\W_]+$/g, '').toLowerCase()
  return (words.charAt(0).toUpperCase() + words.slice(1)).replace(/[\W_]+(\w|$)/g, (_, ch: string) => ch.toUpperCase())
}

/** Whether Architect would use the sandbox's local services (its `useAWS()` negated). */
function isLocal(env: Env): boolean {
  if (!env.ARC_SANDBOX) return false
  if (env.ARC_ENV === 'testing') return true
  return (env.ARC_ENV === 'staging' || env.ARC_ENV === 'production') && !env.ARC_LOCAL
}

/**
 * The sandbox's table for `name`, or `undefined` when not running under the sandbox.
 *
 * @example
 * ```ts
 * const local = await sandboxTable('sessions', process.env) // { table: 'app-staging-sessions', endpoint: 'http://localhost:5555' }
 * ```
 * @param name the logical (or physical) table name
 * @param env the environment the sandbox gave the function
 */
export async function sandboxTable(name: string, env: Env): Promise<LocalTable | undefined> {
  if (!isLocal(env)) return undefined
  const { ports } = JSON.parse(env.ARC_SANDBOX!) as { ports?: { _arc?: number; tables?: number } }
  if (!ports?._arc || !ports.tables) return undefined
  const stack = env.ARC_STACK_NAME || toLogicalId(`${env.ARC_APP_NAME || 'arc-app'}-${env.ARC_ENV}`)
  const response = await fetch(`http://localhost:${ports._arc}/_arc/ssm`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.GetParametersByPath' },
    body: JSON.stringify({ Path: `/${stack}/tables`, Recursive: true }),
  })
  if (!response.ok) throw new Error(`The sandbox's SSM service answered ${response.status}`)
  const { Parameters = [] } = (await response.json()) as { Parameters?: { Name: string; Value: string }[] }
  const tables = new Map(Parameters.map((p) => [p.Name.split('/').pop()!, p.Value]))
  const table = tables.get(name) ?? [...tables.values()].find((physical) => physical === name)
  if (!table) throw new ReferenceError(`Session table '${name}' could not be found in the sandbox`)
  return { table, endpoint: `http://localhost:${ports.tables}` }
}
