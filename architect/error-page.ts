/**
 * The page sent when a handler returns an `Error`. Unlike Architect's, it
 * escapes what it prints, and in production shows neither the error's message
 * nor its stack (they may carry internals): a generic sentence instead.
 *
 * @module
 */

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** The no-cache value Architect sends with pages and redirects. */
export const NO_CACHE = 'no-cache, no-store, must-revalidate, max-age=0, s-maxage=0'

/**
 * The status of a returned error: its numeric `status`, `code` or `statusCode`
 * (first valid one, 400–599), else 500. A string `code` such as `'ENOENT'` is
 * not a status.
 *
 * @param error the error
 */
export function errorStatus(error: Error): number {
  const e = error as Error & { status?: unknown; code?: unknown; statusCode?: unknown }
  for (const value of [e.status, e.code, e.statusCode]) {
    if (typeof value === 'number' && Number.isInteger(value) && value >= 400 && value <= 599) return value
  }
  return 500
}

/** What a production error page says instead of the error's message. */
export const GENERIC_MESSAGE = 'Sorry, something went wrong.'

/**
 * An HTML error page: title `"<status> error"` (or `"<status> error: <name>"`),
 * then the message and the stack, or in `production` a generic sentence.
 *
 * @example
 * ```ts
 * const { statusCode, headers, body } = errorPage(new Error('boom'), { production: true })
 * ```
 * @param error the error the handler returned
 * @param options `production` hides the message and the stack
 */
export function errorPage(error: Error, options: { production: boolean }) {
  const statusCode = errorStatus(error)
  const name = error.name || 'Error'
  const title = name === 'Error' ? `${statusCode} error` : `${statusCode} error: ${name}`
  const message = options.production ? GENERIC_MESSAGE : error.message
  const stack = !options.production && error.stack ? `\n<pre>${escapeHtml(error.stack)}</pre>` : ''
  const body = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>${stack}
</body>
</html>
`
  return {
    statusCode,
    headers: { 'content-type': 'text/html; charset=utf8;', 'cache-control': NO_CACHE } as Record<string, string>,
    body,
  }
}
