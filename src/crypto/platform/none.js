/**
 * `#crypto-provider` off Node (Workers, Deno, Bun, browsers): no platform
 * provider, so the core uses WebCrypto + jose.
 *
 * @module
 */
/** @type {undefined} */
export const provider = undefined
