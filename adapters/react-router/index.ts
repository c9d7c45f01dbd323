/**
 * `seshjs/react-router`: sessions for React Router, over sesh's engine, its
 * stores and its `_idx` cookie.
 *
 * Two ways in:
 * - {@link sessionMiddleware}: React Router middleware; loaders and actions
 *   read the sesh `Session` from their `context`, the cookie is committed on
 *   the response. Sends every cookie (chunked cookies too).
 * - {@link createSessionStorage}: React Router's `SessionStorage`
 *   (`getSession`, `commitSession`, `destroySession`), for apps written
 *   against it; one `Set-Cookie` per commit.
 *
 * @module
 */
export { sessionMiddleware, type RouterSessionMiddleware, type RouterSessionOptions } from './middleware.js'
export { createSessionStorage, type SeshRouterSession, type SeshSessionStorage } from './storage.js'
