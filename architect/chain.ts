/**
 * Middleware chaining, as Architect chains, with sync, async and callback
 * functions freely mixed (architect/functions#552): a function returns nothing
 * (→ the next function, same request), a request (→ the next function, that
 * request) or a response (→ stop). A callback-style `function (req, res, next)`
 * calls `res(response)` or `next()` instead.
 *
 * @module
 */
import type { ArcRequest } from './types.js'

/** A middleware or handler function. */
export type ArcHandler<Req extends ArcRequest = ArcRequest> = (
  req: Req,
  // biome-ignore lint/suspicious/noExplicitAny: Lambda context, or `res` in callback style
  contextOrRes: any,
  next: () => void,
) => unknown

/** The outcome of a chain. */
export interface ChainResult {
  /** The last request (possibly replaced by a middleware). */
  req: ArcRequest
  /** The response (`undefined` for a bare `res()`). */
  response: unknown
  /** Whether a function answered; `false` when every function passed. */
  answered: boolean
}

type Step = { response: unknown } | { next: ArcRequest | undefined }

const isRequest = (value: unknown): value is ArcRequest =>
  value !== null && typeof value === 'object' && Boolean((value as { httpMethod?: unknown }).httpMethod)

const isPlainObject = (value: unknown): value is object => {
  if (value === null || typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

const stepOf = (value: unknown): Step => (isRequest(value) ? { next: value } : value ? { response: value } : { next: undefined })

/**
 * Whether `fn` is written in callback style: a plain (not `async`) function
 * declaring `res` (two or more parameters), used through `http()` rather than
 * `http.async()`.
 */
function isCallbackStyle(fn: ArcHandler, asyncMode: boolean): boolean {
  return !asyncMode && fn.constructor.name !== 'AsyncFunction' && fn.length >= 2
}

function runCallbackStyle(fn: ArcHandler, req: ArcRequest): Promise<Step> {
  return new Promise<Step>((resolve, reject) => {
    let settled = false
    const settle = (step: Step) => {
      if (settled) return
      settled = true
      resolve(step)
    }
    // `res()` with no argument answers with nothing, which Architect formats as an empty 200
    const res = (response?: unknown) => settle({ response })
    const next = () => settle({ next: undefined })
    try {
      const out = fn.call({}, req, res, next)
      if (out && typeof (out as Promise<unknown>).then === 'function') {
        ;(out as Promise<unknown>).then((value) => settle(stepOf(value)), reject)
      } else if (isPlainObject(out) || out instanceof Error) {
        // a response (or request) returned directly; other values (a timer, a stream...) are not answers
        settle(stepOf(out))
      }
    } catch (error) {
      reject(error)
    }
  })
}

/**
 * Runs `fns` in order over `req`.
 *
 * @example
 * ```ts
 * const { response } = await runChain([auth, handler], req, context, false)
 * ```
 * @param fns the functions
 * @param req the shaped request
 * @param context the Lambda context
 * @param asyncMode `http.async()`: every function is value-style
 */
export async function runChain(fns: readonly ArcHandler[], req: ArcRequest, context: unknown, asyncMode: boolean): Promise<ChainResult> {
  let current = req
  for (const fn of fns) {
    const step = isCallbackStyle(fn, asyncMode)
      ? await runCallbackStyle(fn, current)
      : stepOf(await (fn as (r: ArcRequest, c: unknown) => unknown)(current, context))
    if ('response' in step) return { req: current, response: step.response, answered: true }
    if (step.next) current = step.next
  }
  return { req: current, response: undefined, answered: false }
}
