/**
 * The one thing the DynamoDB store needs from a client: send an operation with
 * its input, in the service's own JSON shapes, and get its output. An SDK
 * client, `aws4fetch`, or a test double all fit in a few lines.
 *
 * @module
 */
import { SessionStorePeerMissingError, SessionStoreUnavailableError } from '../../errors.js'

/** The DynamoDB operations sesh uses. */
export type DynamoOperation =
  | 'GetItem'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'CreateTable'
  | 'DescribeTable'
  | 'UpdateTimeToLive'
  | 'DescribeTimeToLive'
  | 'Scan'
  | 'Query'
  | 'UpdateTable'

/**
 * Sends one DynamoDB operation. Resolves with the operation's output; rejects
 * with an error whose `name` is DynamoDB's error type (e.g.
 * `ConditionalCheckFailedException`, `ResourceInUseException`), as the AWS SDK's errors do.
 *
 * @example
 * ```ts
 * const call: DynamoCall = (operation, input) => client.send(new commands[operation](input))
 * ```
 */
export type DynamoCall = (
  operation: DynamoOperation,
  input: Record<string, unknown>,
  options?: DynamoCallOptions,
) => Promise<Record<string, unknown>>

/** What a {@link DynamoCall} gets besides the operation. */
export interface DynamoCallOptions {
  /** Aborted when the store call's deadline has passed: hand it to the client (the SDK's `send(command, { abortSignal })`). */
  abortSignal?: AbortSignal
}

/**
 * The error's DynamoDB type name, if it has one.
 *
 * @param error anything thrown by a {@link DynamoCall}
 */
export function errorName(error: unknown): string | undefined {
  const name = (error as { name?: unknown } | null)?.name
  return typeof name === 'string' ? name : undefined
}

/**
 * Runs `operation`, turning any failure into a {@link SessionStoreUnavailableError}
 * carrying the cause (a {@link SessionStorePeerMissingError} passes through as it is). `expected` names errors the caller handles itself.
 *
 * @param call the client
 * @param operation the operation
 * @param input its input
 * @param expected error names passed through unchanged
 */
export async function send(
  call: DynamoCall,
  operation: DynamoOperation,
  input: Record<string, unknown>,
  expected: readonly string[] = [],
  signal?: AbortSignal,
): Promise<Record<string, unknown>> {
  try {
    return await call(operation, input, signal ? { abortSignal: signal } : undefined)
  } catch (error) {
    if (error instanceof SessionStorePeerMissingError) throw error // a missing client library: said as it is, not as an outage
    const name = errorName(error)
    if (name !== undefined && expected.includes(name)) throw error
    throw new SessionStoreUnavailableError(`DynamoDB ${operation} failed${name && name !== 'Error' ? ` (${name})` : ''}.`, { cause: error })
  }
}
