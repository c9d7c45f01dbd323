/**
 * Holds a Node response's head until an async commit has run: the session is
 * saved before the headers go out, whatever sends them first — `res.writeHead`,
 * `res.write` (a stream piped in), `res.end` (Express's `send`, `json`,
 * `redirect`), `res.flushHeaders`.
 *
 * express-session can set its cookie synchronously (its id is known up front)
 * and saves at `end`; a sesh cookie is the result of the save (the sealed data,
 * or the id a store wrote), so here the first of those calls is held, the commit
 * runs, its `Set-Cookie` values are appended, and the held calls are replayed
 * in order through the methods that were there before (so a wrapper installed
 * later, compression's say, keeps working).
 *
 * @module
 */
import type { OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from 'node:http'

/** What the commit decided. */
export type Outcome =
  /** Send the response as made, with these `Set-Cookie` values appended. */
  | { readonly send: readonly string[] }
  /** Drop the response as made and send this one (a store outage's 503). */
  | { readonly replace: Response }
  /** Drop the response as made and hand this error to `next(err)`. */
  | { readonly fail: unknown }

type Method = 'writeHead' | 'write' | 'end' | 'flushHeaders'
type Call = { method: Method; args: unknown[] }
type Originals = { [M in Method]: (...args: unknown[]) => unknown }

/**
 * Wraps `res` so that its first head-sending call runs `commit` first.
 *
 * @param res the response
 * @param commit runs once, with the status the response is about to be sent with
 * @param onFail receives the error of a `{ fail }` outcome, once the response made so far is dropped
 */
export function holdHead(res: ServerResponse, commit: (status: number) => Promise<Outcome>, onFail: (error: unknown) => void): void {
  const target = res as unknown as Originals
  const originals = {} as Originals
  /** `open`: nothing sent; `held`: the commit runs, calls wait; `through`: calls go on; `closed`: the response was replaced, the app's calls are dropped. */
  let phase: 'open' | 'held' | 'through' | 'closed' = 'open'
  const queue: Call[] = []
  let heldWrite = false
  /** Inside an original method: Node's own re-entrant calls (`end` → `writeHead`) go straight through. */
  let internal = 0

  function callOriginal(method: Method, args: unknown[]): unknown {
    internal++
    try {
      return originals[method].apply(res, args)
    } finally {
      internal--
    }
  }

  // From the app's side the head has gone once it called for it: an error handler that runs while the commit
  // holds it sees `headersSent` (and ends the connection, as Express does after a first write) rather than
  // appending a second response to the first.
  const sent = headersSentGetter(res)
  Object.defineProperty(res, 'headersSent', {
    configurable: true,
    enumerable: false,
    get: () => phase === 'held' || phase === 'closed' || sent.call(res),
  })

  for (const method of ['writeHead', 'write', 'end', 'flushHeaders'] as const) {
    const original = target[method]
    originals[method] = original
    target[method] = function held(this: unknown, ...args: unknown[]): unknown {
      if (phase === 'through' || internal > 0) return original.apply(res, args)
      if (phase === 'closed') return dropped(method, args)
      if (phase === 'open') {
        if (sent.call(res)) {
          // sent before this middleware could hold it (nothing to do but go on)
          phase = 'through'
          return original.apply(res, args)
        }
        phase = 'held'
        const status = method === 'writeHead' && typeof args[0] === 'number' ? args[0] : res.statusCode
        commit(status).then(settle, (error: unknown) => settle({ fail: error }))
      }
      queue.push({ method, args })
      if (method === 'write') {
        heldWrite = true
        return false // wait for 'drain', sent once the held writes are through
      }
      return method === 'flushHeaders' ? undefined : res
    }
  }

  function settle(outcome: Outcome): void {
    if ('send' in outcome) {
      send(outcome.send)
      return
    }
    queue.length = 0
    clearHeaders(res)
    if ('fail' in outcome) {
      phase = 'through' // the error handler answers
      onFail(outcome.fail)
      return
    }
    phase = 'closed'
    sendResponse(outcome.replace).catch((error: unknown) => res.destroy(error as Error))
  }

  function send(cookies: readonly string[]): void {
    let lastWrite: unknown = true
    const calls = queue.splice(0)
    phase = 'through'
    try {
      if (cookies.length > 0) {
        const first = calls[0]!
        if (first.method === 'writeHead') first.args = applyWriteHeadHeaders(res, first.args)
        res.appendHeader('set-cookie', [...cookies])
      }
      for (const call of calls) {
        const result = callOriginal(call.method, call.args)
        if (call.method === 'write') lastWrite = result
      }
    } catch (error) {
      res.destroy(error as Error)
      return
    }
    // A held write answered `false`: whoever waits for 'drain' gets it now, unless the socket is the one to send it.
    if (heldWrite && lastWrite !== false && !res.writableEnded) res.emit('drain')
  }

  /** Writes a fetch `Response` through the original methods. */
  async function sendResponse(response: Response): Promise<void> {
    const body = response.body ? new Uint8Array(await response.arrayBuffer()) : undefined
    res.statusCode = response.status
    for (const [name, value] of response.headers) {
      if (name !== 'set-cookie') res.setHeader(name, value)
    }
    const setCookies = response.headers.getSetCookie()
    if (setCookies.length > 0) res.setHeader('set-cookie', setCookies)
    if (body) res.setHeader('content-length', body.byteLength)
    callOriginal('end', body ? [body] : [])
  }

  /** A call the app made after its response was replaced: dropped, its callback told the data is done with. */
  function dropped(method: Method, args: unknown[]): unknown {
    const callback = args.findLast((arg) => typeof arg === 'function') as (() => void) | undefined
    if (callback && (method === 'write' || method === 'end')) queueMicrotask(callback)
    if (method === 'write') return true
    return method === 'flushHeaders' ? undefined : res
  }
}

/** Node's own `headersSent` getter (on `OutgoingMessage.prototype`). */
function headersSentGetter(res: ServerResponse): () => boolean {
  for (let proto: object | null = Object.getPrototypeOf(res); proto; proto = Object.getPrototypeOf(proto)) {
    const getter = Object.getOwnPropertyDescriptor(proto, 'headersSent')?.get
    if (getter) return getter as () => boolean
  }
  return function (this: { _header?: unknown }) {
    return Boolean(this._header)
  }
}

/** Removes every header set so far: a dropped response's headers must not leak into the one sent instead. */
function clearHeaders(res: ServerResponse): void {
  for (const name of res.getHeaderNames()) res.removeHeader(name)
}

/**
 * Moves the headers of a held `writeHead(status, [message], headers)` onto the
 * response (they take precedence over headers set before, as in Node; a
 * `Set-Cookie` there replaces an earlier one, and every `Set-Cookie` of a flat
 * array is kept), so the session's cookies can be appended after them.
 * Returns the call's arguments without the headers.
 */
function applyWriteHeadHeaders(res: ServerResponse, args: unknown[]): unknown[] {
  const [status, second, third] = args
  const message = typeof second === 'string' ? second : undefined
  const headers = typeof second === 'string' ? third : second
  if (Array.isArray(headers)) {
    const cookies: string[] = []
    for (let i = 0; i + 1 < headers.length; i += 2) {
      const name = String(headers[i])
      const value = headers[i + 1] as OutgoingHttpHeader
      if (name.toLowerCase() === 'set-cookie') cookies.push(...(Array.isArray(value) ? value : [String(value)]))
      else res.setHeader(name, value)
    }
    if (cookies.length > 0) res.setHeader('set-cookie', cookies)
  } else if (headers !== null && typeof headers === 'object') {
    for (const [name, value] of Object.entries(headers as OutgoingHttpHeaders)) {
      if (value !== undefined) res.setHeader(name, value)
    }
  }
  return message === undefined ? [status] : [status, message]
}
