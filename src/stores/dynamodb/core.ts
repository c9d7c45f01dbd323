/**
 * The runtime-neutral half of `seshjs/dynamodb`: the store and the table set-up
 * over a structural {@link DynamoCall}. Never imports the AWS SDK.
 *
 * @module
 */
export { dynamoSessionStore, type DynamoSessionStoreOptions } from './store.js'
export { createTable, userIndexName, type CreateTableOptions } from './table.js'
export { type DynamoCall, type DynamoOperation } from './call.js'
export { ITEM_LIMIT, itemSize, marshal, unmarshal, unmarshalItem, type AttributeValue, type Item } from './item.js'
