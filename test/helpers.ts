/** Shared test helpers. */
import { vi } from 'vitest'
import { SessionStoreUnavailableError } from '../src/errors.js'
import type { SessionStore } from '../src/stores/contract.js'

/** A strong test secret (36 characters, like the reference's sandbox run). */
export const SECRET = 'abcdefghijklmnopqrstuvwxyz0123456789'

/** A clock the test moves by hand, in milliseconds. */
export function manualClock(start = Date.UTC(2026, 10, 25, 12, 0, 0)) {
  let now = start
  return {
    now: () => now,
    advance(seconds: number) {
      now += seconds * 1000
    },
  }
}

/** The `name=value` part of a `Set-Cookie` header, or undefined. */
export function cookiePair(setCookie: string | null | undefined): string | undefined {
  return setCookie?.split(';')[0]
}

/**
 * A minimal cookie jar for one origin: keeps what `Set-Cookie` says (honouring
 * `Max-Age=0`) and sends it back.
 */
export class CookieJar {
  readonly cookies = new Map<string, string>()

  /** Takes every `Set-Cookie` of a response. */
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';')
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq).trim()
      const value = pair!.slice(eq + 1).trim()
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))
      if (expired) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  /** The `Cookie` header to send. */
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  /** `fetch` carrying the jar, without following redirects. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.cookies.size > 0) headers.set('cookie', this.header())
    const response = await fetch(url, { ...init, headers, redirect: 'manual' })
    this.take(response)
    return response
  }
}

/**
 * A store whose backend is down: every read throws a
 * `SessionStoreUnavailableError`; `write` and `delete` are spies that must stay uncalled.
 *
 * @param message the error's message
 */
export function unavailableStore(message = 'store down') {
  return {
    read: async () => {
      throw new SessionStoreUnavailableError(message, { cause: new Error('connect ECONNREFUSED 127.0.0.1:4567') })
    },
    write: vi.fn(async () => 'never'),
    delete: vi.fn(async () => {}),
  } satisfies SessionStore
}

/**
 * A wall-clock bound that proves "no hang" and still holds on a loaded
 * machine: `calls` store calls, each abandoned at its deadline of `deadline`
 * ms, may take three times that each, plus a second for the rest of the
 * request. A call that waits on a hung backend (until a client's own timeout,
 * or the test's) still fails it. How precisely a deadline fires is checked
 * elsewhere, by what does not depend on the machine's load: the error's
 * message (`did not answer within N ms`), or fake timers (src/stores/deadline.test.ts).
 *
 * @param deadline the store call's deadline (`storeTimeout`), in milliseconds
 * @param calls how many store calls the measured work makes one after another
 */
export function noHangBound(deadline: number, calls = 1): number {
  return 3 * deadline * calls + 1000
}
