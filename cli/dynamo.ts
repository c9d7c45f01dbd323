/**
 * The DynamoDB half of the CLI, loaded only by the commands that need it, so
 * `secret` and `decode` run without the AWS SDK installed.
 *
 * @module
 */
export { createSessionTable, dynamoStore, userIndexName } from '../src/stores/dynamodb/index.js'
