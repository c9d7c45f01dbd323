/**
 * What a request gets when the session store is down: a short plain-text 503,
 * no stack, no internals. Never an empty session, which could overwrite real data.
 *
 * @module
 */

/** Builds the response sent when the session store fails. */
export type StoreErrorHandler = (error: Error, request: Request) => Response | Promise<Response>

/**
 * The store-outage response, built fresh each time (a body is read once). The
 * one definition: {@link storeUnavailableResponse} and
 * `SessionStoreUnavailableError.getResponse()` both return it.
 */
export function unavailableResponse(): Response {
  return new Response('Service Unavailable: sessions are temporarily unavailable. Please try again shortly.\n', {
    status: 503,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '5', 'cache-control': 'no-store' },
  })
}

/**
 * The default {@link StoreErrorHandler}: `503 Service Unavailable`, `Retry-After: 5`.
 */
export const storeUnavailableResponse: StoreErrorHandler = () => unavailableResponse()
