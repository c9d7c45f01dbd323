/**
 * Which engine made a session. Each session carries its engine's state as an
 * opaque token (`session[ORIGIN]()`, which the Session never reads); the engine
 * registers itself under its state once, and `SocketSession.of()` looks it up
 * with {@link engineOf}. The Session imports nothing of the engine: the
 * contract runs one way.
 *
 * (A map from each session to its engine would say the same, but a `WeakMap`
 * entry per request cost about 0.6 µs of CPU on an untouched request and 1.7 µs
 * on a write, mostly in the garbage collector; one entry per engine costs nothing.)
 *
 * @module
 */
import { ORIGIN, Session } from './session.js'
import type { EngineState } from './state.js'
import type { Sessions } from './types.js'

/** Each engine, under its state (a `Sessions<Data>` for the sessions of `Data`). */
const engines = new WeakMap<object, unknown>()

/**
 * Registers `engine` as the engine of the sessions made over `state`.
 *
 * @param state the engine's state
 * @param engine the engine
 * @internal
 */
export function register<Data extends object>(state: EngineState, engine: Sessions<Data>): void {
  engines.set(state, engine)
}

/**
 * The engine that made `session` (from `load()`, `open()` or `byId.load()`), or `undefined`.
 *
 * @param session a session
 */
export function engineOf<Data extends object>(session: Session<Data>): Sessions<Data> | undefined {
  const origin = session instanceof Session ? session[ORIGIN]() : undefined
  return origin === undefined ? undefined : (engines.get(origin) as Sessions<Data> | undefined)
}
