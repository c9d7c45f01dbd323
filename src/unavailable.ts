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
 * The response when the store's client library is not installed
 * (`SessionStorePeerMissingError`): a configuration error, so a `500` without
 * `Retry-After`. Names no package: that is for the server's log, not visitors.
 */
export function misconfiguredResponse(): Response {
  return new Response('Internal Server Error: sessions are not set up on this server.\n', {
    status: 500,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  })
}

/**
 * The default {@link StoreErrorHandler}: `503 Service Unavailable`, `Retry-After: 5`;
 * a `500` ({@link misconfiguredResponse}) when the store's client library is
 * missing (`ERR_SESSION_STORE_PEER_MISSING`), which no retry can fix.
 */
export const storeUnavailableResponse: StoreErrorHandler = (error) =>
  (error as { code?: unknown } | undefined)?.code === 'ERR_SESSION_STORE_PEER_MISSING' ? misconfiguredResponse() : unavailableResponse()
