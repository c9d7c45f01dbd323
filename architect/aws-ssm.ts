/**
 * AWS SSM's `GetParametersByPath` for table discovery, on `@aws-sdk/client-ssm`
 * (an optional peer dependency: only deployed apps with DynamoDB sessions load it).
 *
 * @module
 */
import { SessionStorePeerMissingError } from '../src/index.js'
import type { Env } from './env.js'

/** One page of an SSM `GetParametersByPath` answer (the fields used here). */
export interface ParameterPage {
  Parameters?: { Name?: string; Value?: string }[]
  NextToken?: string
}

/** An SSM `GetParametersByPath` call: AWS's, or the sandbox's. */
export type GetParametersByPath = (input: { Path: string; Recursive: true; NextToken?: string }) => Promise<ParameterPage>

type Ssm = typeof import('@aws-sdk/client-ssm')

async function loadSdk(): Promise<Ssm> {
  try {
    return await import('@aws-sdk/client-ssm')
  } catch (cause) {
    throw new SessionStorePeerMissingError(
      'seshjs/architect needs @aws-sdk/client-ssm to find the session table ARC_SESSION_TABLE_NAME names in SSM: ' +
        'install it (npm install @aws-sdk/client-ssm), or pass the `dynamoStore` option',
      '@aws-sdk/client-ssm',
      { cause },
    )
  }
}

/** `AWS_REGION`, else the SDK's own region sources (profile), else `us-west-2` as Architect. */
async function regionOf(env: Env, { SSMClient }: Ssm): Promise<string> {
  if (env.AWS_REGION) return env.AWS_REGION
  const probe = new SSMClient({})
  try {
    return await probe.config.region()
  } catch {
    return 'us-west-2'
  } finally {
    probe.destroy()
  }
}

/**
 * Runs `use` with a {@link GetParametersByPath} over a new `SSMClient`, then
 * closes the client (the lookup happens once per runtime).
 *
 * @param env the environment (for `AWS_REGION`)
 * @param use what to do with the call
 */
export async function withAwsSsm<T>(env: Env, use: (get: GetParametersByPath) => Promise<T>): Promise<T> {
  const sdk = await loadSdk()
  const client = new sdk.SSMClient({ region: await regionOf(env, sdk) })
  try {
    return await use((input) => client.send(new sdk.GetParametersByPathCommand(input)))
  } finally {
    client.destroy()
  }
}
