/**
 * `seshjs/durable-objects`: sessions in Cloudflare Durable Objects
 * (SQLite-backed), strongly consistent, with WebSockets the objects hold and
 * close the moment their session ends.
 *
 * Three parts: {@link sessionObject} makes the Durable Object class your
 * Worker exports; {@link durableObjectStore} is the store over its namespace
 * binding; {@link durableObjectSocket} routes a WebSocket upgrade to the
 * object that keeps the session. Importing this module never imports
 * `cloudflare:workers`: you pass its `DurableObject` to `sessionObject()`.
 *
 * @example
 * ```ts
 * import { DurableObject } from 'cloudflare:workers'
 * import { Hono } from 'hono'
 * import { sessions } from 'seshjs'
 * import { durableObjectSocket, durableObjectStore, sessionObject } from 'seshjs/durable-objects'
 *
 * export class Sessions extends sessionObject(DurableObject) {
 *   override async socketMessage(socket, message) {
 *     const count = ((socket.data()?.count as number) ?? 0) + 1
 *     if (await socket.save({ ...socket.data(), count })) socket.send(String(count))
 *   }
 * }
 * const app = new Hono<{ Bindings: { SESSIONS_DO: DurableObjectNamespace } }>()
 * app.use(sessions((env) => ({ env, store: durableObjectStore(env.SESSIONS_DO) })))
 * app.get('/ws', (c) => durableObjectSocket(c))
 * export default app
 * ```
 *
 * @module
 */
export { durableObjectStore, DURABLE_OBJECT_VALUE_LIMIT, type DurableObjectStoreOptions } from './store.js'
export { sessionObject, type DurableObjectBase, type SessionObjectClass, type SessionObjectMethods } from './object.js'
export { durableObjectSocket, type DurableObjectSocketOptions } from '../../hono/durable-object-socket.js'
export type {
  DurableObjectIdLike,
  DurableObjectNamespaceLike,
  DurableObjectStateLike,
  HibernatableWebSocket,
  ListedRow,
  ObjectSocket,
  RowMove,
  RowMoveResult,
  RowPage,
  RowWrite,
  SessionObjectRpc,
  SessionRow,
  WriteMode,
} from './types.js'
export type { ConcurrencyOptions, MergeFunction } from '../concurrency.js'
