/**
 * Architect names tables by their logical name (`sessions`); the physical name
 * (`MyAppProduction-SessionsTable-1AB2C3`) is an SSM parameter
 * `/<stack>/tables/<logical>`. This finds it as `@architect/functions` does:
 * `GetParametersByPath({ Path: '/<stack>', Recursive: true })`, every page,
 * the `tables` entries, then the logical name or, failing that, a matching
 * physical one. Under the sandbox it asks the sandbox's internal SSM service
 * (and the table lives in its local DynamoDB); deployed, it asks AWS SSM.
 *
 * @module
 */
import { SessionStoreUnavailableError } from '../src/index.js'
import type { GetParametersByPath, ParameterPage } from './aws-ssm.js'
import type { Env } from './env.js'

export type { GetParametersByPath, ParameterPage } from './aws-ssm.js'

/** The sandbox's internal port when nothing names it: Architect's fixed default. */
const SANDBOX_INTERNAL_PORT = 2222

/** Where a session table is, locally. */
export interface LocalTable {
  /** The physical table name. */
  table: string
  /** The sandbox's DynamoDB endpoint. */
  endpoint: string
}

/** Architect's logical ids (`toLogicalID`): `sesh-architect-testing` → `SeshArchitectTesting`. */
export function toLogicalId(text: string): string {
  const spaced = text.replace(/([A-Z])/g, ' $1')
  if (spaced.length === 1) return spaced.toUpperCase()
  const words = spaced.replace(/^[\W_]+|[\W_]+$/g, '').toLowerCase()
  const id = (words.charAt(0).toUpperCase() + words.slice(1)).replace(/[\W_]+(\w|$)/g, (_, ch: string) => ch.toUpperCase())
  return id === 'Get' ? 'GetIndex' : id
}

/**
 * Where Architect would find tables (its `useAWS()`): `sandbox` for `ARC_ENV=testing`
 * (or unset, which Architect turns into `testing`) and for `staging`/`production`
 * under the sandbox without `ARC_LOCAL`; `aws` for other deployed runs; `undefined`
 * for an `ARC_ENV` Architect refuses (the name is then used as given).
 *
 * @param env the environment
 */
export function tableSource(env: Env): 'aws' | 'sandbox' | undefined {
  const deployed = env.ARC_ENV === 'staging' || env.ARC_ENV === 'production'
  if (deployed) return env.ARC_SANDBOX && !env.ARC_LOCAL ? 'sandbox' : 'aws'
  if (!env.ARC_ENV || env.ARC_ENV === 'testing') return 'sandbox'
  return undefined
}

/**
 * The SSM path of the app's stack: `/${ARC_STACK_NAME || toLogicalID(`${app}-${env}`)}`.
 * Deployed, Architect requires `ARC_APP_NAME` or `ARC_STACK_NAME`; locally the app defaults to `arc-app`.
 *
 * @param env the environment
 * @param local whether the lookup goes to the sandbox
 */
export function stackPath(env: Env, local: boolean): string {
  if (!local && !env.ARC_APP_NAME && !env.ARC_STACK_NAME) {
    throw new ReferenceError('ARC_APP_NAME and ARC_STACK_NAME env vars not found: seshjs/architect cannot find the session table in SSM')
  }
  return `/${env.ARC_STACK_NAME || toLogicalId(`${env.ARC_APP_NAME || 'arc-app'}-${env.ARC_ENV}`)}`
}

/** The services under `path`: type → (name → value), e.g. `tables` → logical → physical. */
type Services = Map<string, Map<string, string>>

/** Every `/<stack>/<type>/<name>` parameter under `path`, following `NextToken`. */
async function readServices(path: string, get: GetParametersByPath): Promise<Services> {
  const services: Services = new Map()
  let NextToken: string | undefined
  do {
    let page: ParameterPage
    try {
      page = await get({ Path: path, Recursive: true, ...(NextToken ? { NextToken } : {}) })
    } catch (cause) {
      throw new SessionStoreUnavailableError(`Could not read the session table's name from SSM (${path})`, { cause })
    }
    for (const { Name = '', Value } of page.Parameters ?? []) {
      const [, , type, name, ...deeper] = Name.split('/')
      if (!type || !name || deeper.length || Value === undefined) continue
      if (!services.has(type)) services.set(type, new Map())
      services.get(type)!.set(name, Value)
    }
    NextToken = page.NextToken
  } while (NextToken)
  return services
}

function pickTable(name: string, path: string, services: Services): string {
  const tables = services.get('tables') ?? new Map<string, string>()
  const table = tables.get(name) ?? [...tables.values()].find((physical) => physical === name)
  if (!table) {
    throw new ReferenceError(
      `Session table '${name}' (ARC_SESSION_TABLE_NAME) could not be found: it is neither a logical nor a physical table name under the SSM path ${path}/tables`,
    )
  }
  return table
}

/**
 * The physical name of the table `name` names, looked up under the stack's SSM
 * path: a logical name maps to its physical one, a physical name is accepted as is.
 * An SSM failure is a `SessionStoreUnavailableError`; an unknown name a `ReferenceError`.
 *
 * @example
 * ```ts
 * const table = await findTable('sessions', '/MyAppProduction', ssmGetParametersByPath)
 * ```
 * @param name the logical (or physical) table name from `ARC_SESSION_TABLE_NAME`
 * @param path the stack's SSM path (see {@link stackPath})
 * @param get the SSM call
 */
export async function findTable(name: string, path: string, get: GetParametersByPath): Promise<string> {
  return pickTable(name, path, await readServices(path, get))
}

/** The sandbox's internal SSM service, as a {@link GetParametersByPath}. */
function sandboxSsm(port: number): GetParametersByPath {
  return async (input) => {
    const response = await fetch(`http://localhost:${port}/_arc/ssm`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.GetParametersByPath' },
      body: JSON.stringify(input),
    })
    if (!response.ok) throw new Error(`The sandbox's SSM service (port ${port}) answered ${response.status}`)
    return (await response.json()) as ParameterPage
  }
}

type Ports = { _arc?: number; tables?: number }

function portsOf(json: string | undefined): Ports | undefined {
  try {
    const ports = json ? (JSON.parse(json) as { ports?: unknown }).ports : undefined
    return ports !== null && typeof ports === 'object' ? (ports as Ports) : undefined
  } catch {
    return undefined
  }
}

/**
 * The sandbox's table for `name` and its DynamoDB endpoint, found as Architect
 * finds them. In a function the sandbox runs, `ARC_SANDBOX` names its ports. In
 * a process that runs the sandbox itself (tests), the internal port is
 * `ARC_INTERNAL_PORT` (which the sandbox reads too), else 2222, and the DynamoDB
 * port is the sandbox's `ARC_SANDBOX/ports` SSM parameter.
 *
 * @example
 * ```ts
 * const local = await sandboxTable('sessions', process.env) // { table: 'app-staging-sessions', endpoint: 'http://localhost:5555' }
 * ```
 * @param name the logical (or physical) table name
 * @param env the environment
 */
export async function sandboxTable(name: string, env: Env): Promise<LocalTable> {
  const given = env.ARC_SANDBOX ? portsOf(env.ARC_SANDBOX) : undefined
  const internal = env.ARC_SANDBOX ? given?._arc : Number(env.ARC_INTERNAL_PORT) || SANDBOX_INTERNAL_PORT
  if (!internal) throw new ReferenceError('Sandbox internal port not found (ARC_SANDBOX names no ports._arc)')
  const path = stackPath(env, true)
  const services = await readServices(path, sandboxSsm(internal))
  const table = pickTable(name, path, services)
  const tables = given?.tables ?? portsOf(`{"ports":${services.get('ARC_SANDBOX')?.get('ports') ?? 'null'}}`)?.tables
  if (!tables) throw new ReferenceError('Sandbox tables port not found: is the sandbox running with @tables?')
  return { table, endpoint: `http://localhost:${tables}` }
}

/**
 * The deployed app's physical table for `name`, from AWS SSM through
 * `@aws-sdk/client-ssm` (an optional peer dependency, loaded only here). The
 * SDK configures itself (`AWS_REGION`, `AWS_ENDPOINT_URL_SSM`, the credential
 * chain); with no region anywhere, `us-west-2`, as Architect.
 *
 * @example
 * ```ts
 * const table = await awsTable('sessions', process.env) // 'MyAppProduction-SessionsTable-1AB2C3'
 * ```
 * @param name the logical (or physical) table name
 * @param env the environment of the deployed function
 */
export async function awsTable(name: string, env: Env): Promise<string> {
  const path = stackPath(env, false)
  const { withAwsSsm } = await import('./aws-ssm.js')
  return withAwsSsm(env, (get) => findTable(name, path, get))
}
