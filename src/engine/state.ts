/**
 * The engine's one state: the resolved configuration and what is derived from
 * it once, built by `createSessions()` and passed as the first argument to
 * every module of the engine (open, persist, set-cookie, by-id).
 *
 * @module
 */
import type { CookieChunks } from '../cookie/chunks.js'
import type { CookieAttributes } from '../cookie/cookie.js'
import { randomId } from '../crypto/keyring.js'
import type { SessionConfig, SessionHooks } from './options.js'
import type { SessionDevices } from './session.js'
import type { SessionStore, StoreContext } from '../stores/contract.js'

/** Everything an engine knows, fixed when it is made (but for the chunks each session's request carried). @internal */
export interface EngineState {
  /** The configuration in force. */
  readonly config: SessionConfig
  readonly store: SessionStore
  readonly cookieName: string
  readonly cookieAttributes: CookieAttributes
  /** Idle expiry, in seconds. */
  readonly ttl: number
  /** The least age, in seconds, at which an unchanged session is renewed. */
  readonly touchAfter: number
  /** Absolute expiry, in seconds; `undefined`: none. */
  readonly maxAge: number | undefined
  /** How long, in seconds, the old id of a `regenerate()` still reads (as moved). */
  readonly grace: number
  /** Makes a session id; `undefined` for a stateless store (the cookie store keeps no id). */
  readonly newId: ((from?: string) => string) | undefined
  /** Chunked cookies' limits; `undefined`: one cookie. */
  readonly chunks: CookieChunks | undefined
  /** With chunked cookies: the chunk numbers each session's request carried, or the value it was opened with. */
  readonly carriedBy: WeakMap<object, readonly number[] | string>
  /** The engine events, if any were given. */
  readonly hooks: SessionHooks | undefined
  /** The clock, milliseconds (the config's). */
  readonly now: () => number
  /** What a session asks of its engine for its user's other sessions. */
  readonly devices: SessionDevices
}

/**
 * The state of an engine over `config`.
 *
 * @param config a resolved configuration
 * @param devicesOf what its sessions ask of it for a user's other sessions (lifecycle.ts; passed in, as it reads the state)
 */
export function engineState(config: SessionConfig, devicesOf: (state: EngineState) => SessionDevices): EngineState {
  const { store, cookieName, cookieAttributes, ttl, touchAfter, maxAge } = config
  const state: { -readonly [K in keyof EngineState]: EngineState[K] } = {
    config,
    store,
    cookieName,
    cookieAttributes,
    ttl,
    touchAfter,
    maxAge,
    grace: config.regenerateGrace ?? 60, // a configuration made by an older resolveConfig has none
    newId: store.stateless ? undefined : (store.newId?.bind(store) ?? randomId),
    chunks: store.chunks,
    carriedBy: new WeakMap(),
    now: config.now,
    hooks: config.hooks,
    devices: undefined as unknown as SessionDevices, // set below: they read the state
  }
  state.devices = devicesOf(state)
  return state
}

/**
 * The context of one store call: the keyring, the time now (epoch seconds) and the idle expiry.
 *
 * @param state the engine's state
 */
export function storeContext(state: EngineState, ttl: number = state.ttl): StoreContext {
  const { config } = state
  return { keyring: config.keyring, now: Math.floor(config.now() / 1000), ttl }
}
