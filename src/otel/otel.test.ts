import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join, relative } from 'node:path'
import {
  type Attributes,
  type Context,
  type Meter,
  metrics,
  type Span,
  type SpanOptions,
  type SpanStatus,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api'
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import { CookieJar, manualClock, SECRET } from '../../test/helpers.js'
import {
  createSessions,
  memoryStore,
  SessionConflictError,
  type SessionEnv,
  sessions,
  SessionStoreUnavailableError,
  type SessionStore,
} from 'seshjs'
import { instrument, instrumentStore, telemetry } from 'seshjs/otel'

/** One finished span, as the in-memory recorder keeps it. */
interface Recorded {
  name: string
  attributes: Attributes
  parent: string | undefined
  status: SpanStatus
  exceptions: unknown[]
  ended: boolean
}

/** A tiny tracer (the SDK is not a dependency): every span it starts, in order, linked to its parent by name. */
function recorder() {
  const spans: Recorded[] = []
  const byContext = new WeakMap<Span, Recorded>()
  let n = 0
  const tracer = {
    startSpan(name: string, options?: SpanOptions, ctx?: Context): Span {
      const parentSpan = ctx === undefined ? undefined : trace.getSpan(ctx)
      const parent = parentSpan === undefined ? undefined : byContext.get(parentSpan)?.name
      const recorded: Recorded = {
        name,
        attributes: { ...options?.attributes },
        parent,
        status: { code: SpanStatusCode.UNSET },
        exceptions: [],
        ended: false,
      }
      spans.push(recorded)
      const spanContext = { traceId: '1'.repeat(32), spanId: (++n).toString(16).padStart(16, '0'), traceFlags: 1 }
      const span: Span = {
        spanContext: () => spanContext,
        setAttribute: (key, value) => ((recorded.attributes[key] = value), span),
        setAttributes: (attributes) => (Object.assign(recorded.attributes, attributes), span),
        addEvent: () => span,
        addLink: () => span,
        addLinks: () => span,
        setStatus: (status) => ((recorded.status = status), span),
        updateName: (name) => ((recorded.name = name), span),
        end: () => void (recorded.ended = true),
        isRecording: () => true,
        recordException: (exception) => void recorded.exceptions.push(exception),
      }
      byContext.set(span, recorded)
      return span
    },
    startActiveSpan(): never {
      throw new Error('not used by seshjs/otel')
    },
  } as Tracer
  const counts: [string, number, Attributes | undefined][] = []
  const meter = {
    createCounter: (name: string) => ({ add: (value: number, attributes?: Attributes) => void counts.push([name, value, attributes]) }),
  } as unknown as Meter
  return { tracer, meter, spans, counts, names: () => spans.map((span) => (span.parent ? `${span.parent} > ${span.name}` : span.name)) }
}

function counterApp(options: Parameters<typeof sessions>[0]) {
  const app = new Hono<SessionEnv>()
  app.use(sessions(options))
  app.post('/count', async (c) => {
    const session = c.get('session')
    const count = ((await session.get('count')) as number | undefined) ?? 0
    session.set('count', count + 1)
    return c.text(String(count + 1))
  })
  return app
}

async function post(app: Hono<SessionEnv>, jar: CookieJar): Promise<Response> {
  const cookie = jar.header()
  const response = await app.request('http://localhost/count', { method: 'POST', headers: cookie ? { cookie } : {} })
  jar.take(response)
  return response
}

afterEach(() => {
  trace.disable()
  metrics.disable()
})

describe('seshjs/otel', () => {
  it('gives spans for the load, the commit and the store calls of a read+write request', async () => {
    const { tracer, meter, spans, names } = recorder()
    const app = counterApp(instrument({ secret: SECRET, store: memoryStore() }, { tracer, meter }))
    const jar = new CookieJar()
    expect(await (await post(app, jar)).text()).toBe('1') // no cookie yet: nothing to read, a new session written
    expect(names()).toEqual(['sesh.commit', 'sesh.commit > sesh.store.write'])
    spans.length = 0
    expect(await (await post(app, jar)).text()).toBe('2')
    expect(names()).toEqual(['sesh.load', 'sesh.load > sesh.store.read', 'sesh.commit', 'sesh.commit > sesh.store.write'])
    for (const span of spans) {
      expect(span.ended).toBe(true)
      expect(span.attributes['sesh.store.kind']).toBe('memory')
      expect(span.status.code).toBe(SpanStatusCode.UNSET)
    }
    expect(spans[0]!.attributes['sesh.operation']).toBe('read')
  })

  it('takes the tracer and the meter from the global providers by default', async () => {
    const { tracer, meter, names, counts, spans } = recorder()
    trace.setGlobalTracerProvider({ getTracer: () => tracer })
    metrics.setGlobalMeterProvider({ getMeter: () => meter })
    const app = counterApp(instrument({ secret: SECRET, store: memoryStore() }, { storeKind: 'redis' }))
    await post(app, new CookieJar())
    expect(names()).toEqual(['sesh.commit', 'sesh.commit > sesh.store.write'])
    expect(spans.map((span) => span.attributes['sesh.store.kind'])).toEqual(['redis', 'redis'])
    expect(counts).toEqual([])
  })

  it('counts a store failure (the 503) and records the error on the store span', async () => {
    const { tracer, meter, spans, counts } = recorder()
    const memory = memoryStore()
    const failing: SessionStore = {
      ...memory,
      read: (value, context) => memory.read(value, context),
      write: async () => {
        throw new SessionStoreUnavailableError('store down')
      },
      delete: (record, context) => memory.delete(record, context),
    }
    const hooks = telemetry({ tracer, meter })
    const app = counterApp({ ...hooks, secret: SECRET, store: instrumentStore(failing, hooks) })
    const response = await post(app, new CookieJar())
    expect(response.status).toBe(503)
    expect(counts).toEqual([['sesh.store_errors', 1, { 'sesh.operation': 'write' }]])
    const write = spans.find((span) => span.name === 'sesh.store.write')!
    expect(write.status.code).toBe(SpanStatusCode.ERROR)
    expect(write.exceptions).toEqual([expect.any(SessionStoreUnavailableError)])
    expect(write.attributes['sesh.store.kind']).toBe('memory') // the wrapper copied the memory store's `local`
    expect(spans.find((span) => span.name === 'sesh.commit')!.status.code).toBe(SpanStatusCode.ERROR)
  })

  it('counts renewals and conflicts, and keeps the hooks given with the options', async () => {
    const { tracer, meter, counts, names, spans } = recorder()
    const clock = manualClock()
    const own: string[] = []
    const engine = createSessions(
      instrument(
        {
          secret: SECRET,
          store: memoryStore({ concurrency: 'optimistic' }),
          now: clock.now,
          touchAfter: 60,
          onConflict: () => void own.push('conflict'),
        },
        { tracer, meter },
      ),
    )
    const jar = new CookieJar()
    const first = await engine.load(new Request('http://localhost/'))
    first.set('n', 1)
    jar.take(await engine.commit(first, new Response()))
    clock.advance(120)
    spans.length = 0
    const reader = await engine.load(new Request('http://localhost/', { headers: { cookie: jar.header() } }))
    await reader.get('n')
    jar.take(await engine.commit(reader, new Response()))
    expect(names()).toEqual(['sesh.load', 'sesh.load > sesh.store.read', 'sesh.commit', 'sesh.commit > sesh.store.touch'])
    expect(counts).toEqual([['sesh.renewals', 1, { 'sesh.store.kind': 'memory' }]])

    counts.length = 0
    const a = await engine.load(new Request('http://localhost/', { headers: { cookie: jar.header() } }))
    const b = await engine.load(new Request('http://localhost/', { headers: { cookie: jar.header() } }))
    await a.load()
    await b.load()
    a.set('n', 2)
    b.set('n', 3)
    await engine.commit(a, new Response())
    await expect(engine.commit(b, new Response())).rejects.toThrow(SessionConflictError)
    expect(counts).toEqual([['sesh.conflicts', 1, undefined]])
    expect(own).toEqual(['conflict'])
  })

  it('nothing outside src/otel/ imports @opentelemetry/api', () => {
    const root = fileURLToPath(new URL('../..', import.meta.url))
    const offenders: string[] = []
    for (const dir of ['src', 'adapters', 'architect']) {
      for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
        if (!entry.isFile() || !entry.name.endsWith('.ts')) continue
        const path = relative(root, join(entry.parentPath, entry.name))
        if (path.startsWith(join('src', 'otel'))) continue
        if (readFileSync(join(root, path), 'utf8').includes('@opentelemetry/')) offenders.push(path)
      }
    }
    expect(offenders).toEqual([])
  })
})
