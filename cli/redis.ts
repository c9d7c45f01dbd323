/**
 * The Redis half of the CLI, loaded only by the commands that need it, so
 * the other commands run without node-redis installed.
 *
 * @module
 */
export { createRedisClient, redisStore } from '../src/stores/redis/index.js'
