/**
 * Which engine made a session. The engine registers each session it hands
 * out; `SocketSession.of()` looks the engine up. The Session itself knows
 * nothing of engines: the contract runs one way.
 *
 * @module
 */
import type { Session } from './session.js'
import type { Sessions } from './types.js'

/** Each session's engine (a `Sessions<Data>` for a `Session<Data>`). */
const engines = new WeakMap<object, unknown>()

/**
 * Notes that `engine` made `session`, and returns the session.
 *
 * @param engine the engine
 * @param session a session it made
 * @internal
 */
export function registered<Data extends object, S extends Session<Data>>(engine: Sessions<Data>, session: S): S {
  engines.set(session, engine)
  return session
}

/**
 * The engine that made `session` (from `load()`, `open()` or `byId.load()`), or `undefined`.
 *
 * @param session a session
 */
export function engineOf<Data extends object>(session: Session<Data>): Sessions<Data> | undefined {
  return engines.get(session) as Sessions<Data> | undefined
}
