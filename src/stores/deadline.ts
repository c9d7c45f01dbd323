/**
 * One deadline for every store call. The configuration wraps the store once;
 * each call (`read`, `write`, `delete`, `touch`, `get`) then gets its own
 * budget of `storeTimeout` milliseconds, covering whatever retries the store
 * makes inside it. When the budget runs out the call is abandoned: its
 * `context.signal` is aborted (the DynamoDB store hands it to the AWS SDK,
 * which cancels the HTTP request) and the caller gets a
 * {@link SessionStoreUnavailableError} — the usual 503 with `Retry-After`.
 * Never a hang, never "no session".
 *
 * @module
 */
import { SessionStoreUnavailableError } from '../errors.js'
import type { SessionStore } from './contract.js'

/** The default deadline of one store call, in milliseconds. */
export const DEFAULT_STORE_TIMEOUT = 3000

/** The store methods that reach the backing service. */
const CALLS: ReadonlySet<PropertyKey> = new Set(['read', 'write', 'delete', 'touch', 'get'])

/**
 * Validates the `storeTimeout` option.
 *
 * @param value milliseconds, or `undefined` for the default
 */
export function resolveStoreTimeout(value: unknown): number {
  if (value === undefined) return DEFAULT_STORE_TIMEOUT
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 2 ** 31 - 1) {
    throw new TypeError('storeTimeout must be a positive number of milliseconds')
  }
  return value
}

/**
 * The abort signal of one call, made only when asked for. An `AbortSignal` is
 * one of the dearer objects a request can make on Node (it is "transferable",
 * so every one is registered for structured cloning): a store that never
 * passes the signal on (the memory store, most custom keepers) should not pay
 * for it on every call. Read after the deadline, it is already aborted.
 */
class LazySignal {
  #controller: AbortController | undefined
  #reason: unknown
  #expired = false

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController()
      if (this.#expired) this.#controller.abort(this.#reason)
    }
    return this.#controller.signal
  }

  get aborted(): boolean {
    return this.#expired
  }

  get reason(): unknown {
    return this.#reason
  }

  abort(reason: unknown): void {
    this.#expired = true
    this.#reason = reason
    this.#controller?.abort(reason)
  }
}

/** A pending call's deadline: when it falls due (`performance.now()` time) and what to do then. */
interface Deadline {
  readonly due: number
  readonly expire: () => void
}

/**
 * The deadlines of one length, sharing one timer. A timer per store call costs
 * more than a memory-store lookup on Node (each `setTimeout`/`clearTimeout` pair
 * files a `Timeout` in Node's timer lists, and re-arms libuv's timer whenever the
 * list empties between requests); here a call costs a set insertion and a
 * deletion. Calls of one length fall due in the order they started, so the timer
 * only ever waits for the oldest pending one.
 *
 * The timer is unref'd: it never keeps a process alive by itself (the store's
 * own socket does while a call is pending). Used only where timers have
 * `unref()` (Node, Bun): on Workers a timer belongs to the request that set it,
 * so each call keeps a timer of its own there.
 */
class DeadlineQueue {
  readonly #ms: number
  readonly #pending = new Set<Deadline>()
  #armed = false

  constructor(ms: number) {
    this.#ms = ms
  }

  /** Starts a deadline; returns the function that cancels it (the call settled). */
  start(expire: () => void): () => void {
    const deadline: Deadline = { due: performance.now() + this.#ms, expire }
    this.#pending.add(deadline)
    if (!this.#armed) this.#arm(this.#ms)
    return () => this.#pending.delete(deadline)
  }

  #arm(delay: number): void {
    this.#armed = true
    const timer = setTimeout(() => this.#fire(), delay) as unknown as { unref(): void }
    timer.unref()
  }

  /** Expires what is due; stays armed (so a call started by an abort listener arms nothing) while any is pending. */
  #fire(): void {
    const now = performance.now()
    for (const deadline of this.#pending) {
      if (deadline.due > now) {
        this.#arm(Math.max(1, Math.ceil(deadline.due - now)))
        return
      }
      this.#pending.delete(deadline)
      deadline.expire()
    }
    this.#armed = false
  }
}

/**
 * Whether this runtime's timers can be shared, decided on first use: they have
 * `unref()` (Node, Bun), and the runtime is not Workers, whose timers belong to
 * a request (and which gives timers `unref()` under `nodejs_compat`).
 */
let shareTimers: boolean | undefined
const queues = new Map<number, DeadlineQueue>()

/** Starts a deadline of `ms` that calls `expire` unless cancelled first; returns the cancel function. */
function startDeadline(ms: number, expire: () => void): () => void {
  if (shareTimers === undefined) {
    const probe = setTimeout(() => {}, 0) as unknown
    clearTimeout(probe as number)
    const workers = (globalThis as { navigator?: { userAgent?: unknown } }).navigator?.userAgent === 'Cloudflare-Workers'
    shareTimers = !workers && typeof probe === 'object' && probe !== null && typeof (probe as { unref?: unknown }).unref === 'function'
  }
  if (!shareTimers) {
    const timer = setTimeout(expire, ms)
    return () => clearTimeout(timer)
  }
  let queue = queues.get(ms)
  if (!queue) queues.set(ms, (queue = new DeadlineQueue(ms)))
  return queue.start(expire)
}

/**
 * Runs `call` with a deadline: resolves or rejects as it does, or rejects
 * with a {@link SessionStoreUnavailableError} after `ms` milliseconds, aborting
 * the signal it was handed. A late settlement of the abandoned call is ignored.
 *
 * @example
 * ```ts
 * const item = await withinDeadline(3000, (signal) => client.send(command, { abortSignal: signal() }))
 * ```
 * @param ms the deadline
 * @param call the call, given a function returning an `AbortSignal` to pass on
 *   where the client takes one (made on first use only)
 */
export function withinDeadline<T>(ms: number, call: (signal: () => AbortSignal) => Promise<T>): Promise<T> {
  const lazy = new LazySignal()
  return new Promise<T>((resolve, reject) => {
    const cancel = startDeadline(ms, () => {
      const error = new SessionStoreUnavailableError(`The session store did not answer within ${ms} ms.`)
      lazy.abort(error)
      reject(error)
    })
    let running: Promise<T>
    try {
      running = call(() => lazy.signal)
    } catch (error) {
      running = Promise.reject(error)
    }
    running.then(
      (value) => {
        cancel()
        resolve(value)
      },
      (error: unknown) => {
        cancel()
        reject(lazy.aborted ? lazy.reason : error)
      },
    )
  })
}

/**
 * A store call's context: the engine's fields, and a `signal` made on first
 * read. A class with the getter on its prototype, because an accessor defined
 * per object (`Object.defineProperty`, a literal `get signal()`) costs about a
 * microsecond a call on V8 — more than the memory store's whole lookup.
 */
class DeadlineContext {
  readonly #signal: () => AbortSignal
  constructor(context: object, signal: () => AbortSignal) {
    Object.assign(this, context)
    this.#signal = signal
  }
  get signal(): AbortSignal {
    return this.#signal()
  }
}

const wrapped = new WeakMap<SessionStore, Map<number, SessionStore>>()

/**
 * `store` with a deadline on every call that reaches its backing service. Other
 * properties (a memory store's `size`, anything a store adds) pass through
 * unchanged. A store with no I/O — the cookie store (stateless), the memory store
 * (`local`) — is returned as it is.
 *
 * @param store the store
 * @param ms the deadline of one call, in milliseconds
 */
export function withDeadline<S extends SessionStore>(store: S, ms: number): S {
  if (store.stateless || store.local) return store
  let bySize = wrapped.get(store)
  if (!bySize) wrapped.set(store, (bySize = new Map()))
  const existing = bySize.get(ms)
  if (existing) return existing as S
  const methods = new Map<PropertyKey, unknown>()
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver)
      if (typeof value !== 'function' || !CALLS.has(property)) return value
      let method = methods.get(property)
      if (!method) {
        const original = value as (...args: unknown[]) => Promise<unknown>
        method = function storeCallWithDeadline(...args: unknown[]) {
          return withinDeadline(ms, (signal) => {
            // The context is the second argument of every SessionStore call; `get(id, context)` too.
            const [first, context, ...rest] = args
            const withSignal = context !== null && typeof context === 'object' ? new DeadlineContext(context, signal) : context
            return original.call(target, first, withSignal, ...rest)
          })
        }
        methods.set(property, method)
      }
      return method
    },
  })
  bySize.set(ms, proxy)
  return proxy
}
