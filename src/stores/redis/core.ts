/**
 * The runtime-neutral half of `seshjs/redis`: the store over a structural
 * {@link RedisConnection}. Never imports a Redis client.
 *
 * @module
 */
export { redisSessionStore, REDIS_VALUE_LIMIT, type RedisSessionStoreOptions } from './store.js'
export { type RedisConnection, type RedisSendOptions } from './connection.js'
