/**
 * DynamoDB without the AWS SDK: a `DynamoCall` that signs each request with
 * `aws4fetch` and posts it to DynamoDB's JSON API. Runs wherever `fetch` and
 * WebCrypto do (Workers, Node, Deno, Bun).
 */
import { AwsClient } from 'aws4fetch'
import type { DynamoCall } from 'seshjs/dynamodb'

/** Credentials, region and (for a local emulator) the endpoint. */
export interface DynamoFetchOptions {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string | undefined
  region: string
  /** @default `https://dynamodb.<region>.amazonaws.com` */
  endpoint?: string | undefined
}

/**
 * A {@link DynamoCall} over `fetch`, for `dynamoSessionStore({ table, call })`.
 * A failed request rejects with an error named by DynamoDB's error type
 * (`ConditionalCheckFailedException`, …), as the SDK's errors are.
 *
 * @param options credentials, region and endpoint
 */
export function dynamoFetch(options: DynamoFetchOptions): DynamoCall {
  const aws = new AwsClient({
    accessKeyId: options.accessKeyId,
    secretAccessKey: options.secretAccessKey,
    ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}),
    region: options.region,
    service: 'dynamodb',
  })
  const endpoint = options.endpoint ?? `https://dynamodb.${options.region}.amazonaws.com`
  return async (operation, input) => {
    const response = await aws.fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${operation}` },
      body: JSON.stringify(input),
    })
    const text = await response.text()
    const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>
    if (response.ok) return body
    const error = new Error(String(body.message ?? body.Message ?? `DynamoDB ${operation} failed with status ${response.status}`))
    error.name =
      String(body.__type ?? 'Error')
        .split('#')
        .pop() ?? 'Error'
    throw error
  }
}
