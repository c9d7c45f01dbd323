/**
 * `seshjs/otel`: optional OpenTelemetry spans and counters for a sesh engine.
 *
 * Opt-in through this subpath only: nothing else in sesh imports
 * `@opentelemetry/api` (an optional peer), so an app that does not import
 * `seshjs/otel` neither loads it nor pays anything for it.
 *
 * - Spans: `sesh.load` (the engine's one read of a session, a request's first
 *   `get()`), `sesh.commit` (each write the engine makes after the handler: a
 *   write, a renewal, a move to a new id, a deletion) and, inside them, the store
 *   calls `sesh.store.read|write|touch|move|delete`, each with the store's kind
 *   (`sesh.store.kind`) and the error recorded when one is thrown.
 * - Counters: `sesh.renewals` (a session renewed without a data write: the
 *   store's `touch`), `sesh.conflicts` (`onConflict`), `sesh.store_errors`
 *   (`onStoreFailure`: the store failed, the request got the 503).
 *
 * @example
 * ```ts
 * import { sessions } from 'seshjs'
 * import { instrument } from 'seshjs/otel'
 * import { redisStore } from 'seshjs/redis'
 *
 * app.use(sessions(instrument({ store: redisStore({ url }) })))
 * ```
 *
 * @module
 */
import {
  context,
  metrics,
  type Attributes,
  type Counter,
  type Meter,
  type Span,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api'
import type { SessionOptions, SessionStore } from '../index.js'

/** The engine events this integration counts. */
type SessionHooks = Pick<SessionOptions, 'onConflict' | 'onStoreFailure'>

/** Options of {@link telemetry}, {@link instrument} and {@link instrumentStore}. */
export interface TelemetryOptions {
  /** The tracer spans are made with. @default trace.getTracer('seshjs') */
  tracer?: Tracer | undefined
  /** The meter the counters are made with. @default metrics.getMeter('seshjs') */
  meter?: Meter | undefined
  /**
   * The store's kind, the `sesh.store.kind` attribute of every span (`'redis'`, `'dynamodb'` …).
   * @default 'cookie' for a stateless store, 'memory' for a local one, 'server' otherwise
   */
  storeKind?: string | undefined
}

/** The counters and tracer one {@link telemetry} call shares between its hooks and its store wrapper. */
interface Instruments {
  readonly tracer: Tracer
  readonly renewals: Counter
  readonly conflicts: Counter
  readonly storeErrors: Counter
}

const INSTRUMENTS: unique symbol = Symbol('seshjs.otel')

function instruments(options: TelemetryOptions | undefined): Instruments {
  const meter = options?.meter ?? metrics.getMeter('seshjs')
  return {
    tracer: options?.tracer ?? trace.getTracer('seshjs'),
    renewals: meter.createCounter('sesh.renewals', { description: 'Sessions renewed without a data write (the store’s touch)' }),
    conflicts: meter.createCounter('sesh.conflicts', { description: 'Writes lost to a concurrent one (SessionConflictError)' }),
    storeErrors: meter.createCounter('sesh.store_errors', { description: 'Store failures answered with the store-error response (503)' }),
  }
}

/** The engine hooks {@link telemetry} returns, carrying their instruments for {@link instrument}. */
export type TelemetryHooks = { [K in keyof SessionHooks]-?: NonNullable<SessionHooks[K]> }

/**
 * Engine hooks that count conflicts (`sesh.conflicts`) and store failures
 * (`sesh.store_errors`, with the `sesh.operation` attribute: `read` or
 * `write`). Spread them into the engine's or the middleware's options; for the
 * spans, wrap the store too ({@link instrumentStore}) or use {@link instrument},
 * which does both.
 *
 * @param options the tracer, the meter, the store's kind
 */
export function telemetry(options?: TelemetryOptions): TelemetryHooks {
  return hooksOf(instruments(options))
}

function hooksOf(inst: Instruments): TelemetryHooks {
  const hooks: TelemetryHooks = {
    onConflict: () => inst.conflicts.add(1),
    onStoreFailure: ({ operation }) => inst.storeErrors.add(1, { 'sesh.operation': operation }),
  }
  Object.defineProperty(hooks, INSTRUMENTS, { value: inst, enumerable: false })
  return hooks
}

/**
 * Engine (or middleware) options with telemetry: the store wrapped by
 * {@link instrumentStore} and the counting hooks of {@link telemetry}, each
 * calling the hook of the same name already in `options` first. Without a
 * `store` in `options` (the engine then picks its default), only the hooks are
 * added: give the store explicitly for its spans.
 *
 * @param options the engine's or the middleware's options
 * @param telemetryOptions the tracer, the meter, the store's kind
 */
export function instrument<O extends SessionHooks & { store?: SessionStore | undefined }>(
  options: O,
  telemetryOptions?: TelemetryOptions,
): O {
  const inst = instruments(telemetryOptions)
  const hooks = hooksOf(inst)
  const { onConflict, onStoreFailure } = options
  const out: O = {
    ...options,
    onConflict:
      onConflict === undefined
        ? hooks.onConflict
        : (event: Parameters<TelemetryHooks['onConflict']>[0]) => (onConflict(event), hooks.onConflict(event)),
    onStoreFailure:
      onStoreFailure === undefined
        ? hooks.onStoreFailure
        : (event: Parameters<TelemetryHooks['onStoreFailure']>[0]) => (onStoreFailure(event), hooks.onStoreFailure(event)),
  }
  if (options.store !== undefined) out.store = wrap(options.store, inst, telemetryOptions?.storeKind)
  return out
}

/**
 * `store` with a span around each call: `sesh.load` around the read (with
 * `sesh.store.read` inside), `sesh.commit` around each write, renewal, move or
 * deletion (with `sesh.store.write|touch|move|delete` inside), and
 * `sesh.renewals` counted at each renewal the store's `touch` makes. Pass the
 * hooks of a {@link telemetry} call as `hooks` to share its meter.
 *
 * @param store the store to wrap (it is not changed)
 * @param options the tracer, the meter, the store's kind
 */
export function instrumentStore(store: SessionStore, options?: TelemetryOptions | TelemetryHooks): SessionStore {
  const shared = (options as { [INSTRUMENTS]?: Instruments } | undefined)?.[INSTRUMENTS]
  const telemetryOptions = shared === undefined ? (options as TelemetryOptions | undefined) : undefined
  return wrap(store, shared ?? instruments(telemetryOptions), telemetryOptions?.storeKind)
}

function wrap(store: SessionStore, inst: Instruments, storeKind: string | undefined): SessionStore {
  const kind = storeKind ?? (store.stateless ? 'cookie' : store.local ? 'memory' : 'server')
  const attributes: Attributes = { 'sesh.store.kind': kind }
  const { tracer } = inst

  /** `call` inside a `sesh.store.<operation>` span, itself inside an `outer` span. */
  async function traced<T>(outer: 'sesh.load' | 'sesh.commit', operation: string, call: () => Promise<T>): Promise<T> {
    const parent = tracer.startSpan(outer, { attributes: { ...attributes, 'sesh.operation': operation } })
    const child = tracer.startSpan(`sesh.store.${operation}`, { attributes }, trace.setSpan(context.active(), parent))
    try {
      const result = await call()
      child.end()
      parent.end()
      return result
    } catch (error) {
      fail(child, error)
      fail(parent, error)
      throw error
    }
  }

  const wrapped: SessionStore = {
    ...pick(store),
    read: (value, ctx) => traced('sesh.load', 'read', () => store.read(value, ctx)),
    write: (record, ctx, options) => traced('sesh.commit', 'write', () => store.write(record, ctx, options)),
    delete: (record, ctx) => traced('sesh.commit', 'delete', () => store.delete(record, ctx)),
  }
  if (store.touch !== undefined) {
    const touch = store.touch.bind(store)
    wrapped.touch = (record, ctx) =>
      traced('sesh.commit', 'touch', async () => {
        const value = await touch(record, ctx)
        if (value !== undefined) inst.renewals.add(1, attributes)
        return value
      })
  }
  if (store.move !== undefined) {
    const move = store.move.bind(store)
    wrapped.move = (record, ctx, options) => traced('sesh.commit', 'move', () => move(record, ctx, options))
  }
  return wrapped
}

/** The store's properties and the methods not traced (off the request path: by id, ids, cookie values), bound to it. */
function pick(store: SessionStore): Partial<SessionStore> {
  const out: { -readonly [K in keyof SessionStore]?: SessionStore[K] } = {}
  if (store.stateless !== undefined) out.stateless = store.stateless
  if (store.local !== undefined) out.local = store.local
  if (store.chunks !== undefined) out.chunks = store.chunks
  if (store.records !== undefined) out.records = store.records
  if (store.get !== undefined) out.get = store.get.bind(store)
  if (store.cookieValue !== undefined) out.cookieValue = store.cookieValue.bind(store)
  if (store.newId !== undefined) out.newId = store.newId.bind(store)
  return out
}

function fail(span: Span, error: unknown): void {
  if (error instanceof Error) {
    span.recordException(error)
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message })
  } else span.setStatus({ code: SpanStatusCode.ERROR })
  span.end()
}
