/**
 * Optional peer dependencies (`@aws-sdk/client-dynamodb`, `redis`), loaded on
 * first use. When one is missing, every store call fails with a
 * `SessionStorePeerMissingError` naming the package to install, and the first
 * failure is also printed once (per package, per process) to `console.error`:
 * a missing package is a configuration error that would otherwise show only as
 * failing requests.
 *
 * @module
 */
import { SessionStorePeerMissingError } from '../errors.js'

const reported = new Set<string>()

/** Where the peer is needed, for the message. */
export interface PeerUse {
  /** The entry that needs it, e.g. `seshjs/dynamodb`. */
  entry: string
  /** The optional peer dependency. */
  packageName: string
  /** What uses it, e.g. `dynamoStore(), createSessionTable() and createDynamoClient() send requests with it`. */
  usedBy: string
  /** The way around it, e.g. `pass your own client: redisStore({ client })`. */
  instead: string
}

/**
 * The error for a peer that could not be imported, printed to `console.error`
 * the first time for this package.
 *
 * @param use where and how the peer is needed
 * @param cause the import's error
 */
export function peerMissing(use: PeerUse, cause: unknown): SessionStorePeerMissingError {
  const { entry, packageName, usedBy, instead } = use
  const code = (cause as { code?: unknown } | null)?.code
  const notFound = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND'
  const detail = cause instanceof Error ? cause.message.split('\n')[0] : String(cause)
  const problem = notFound ? `${packageName} is not installed` : `${packageName} could not be loaded (${detail})`
  const message = `${entry}: ${problem}. Install it: npm install ${packageName}. ${usedBy}; or ${instead}.`
  if (!reported.has(packageName)) {
    reported.add(packageName)
    console.error(message)
  }
  return new SessionStorePeerMissingError(message, packageName, { cause })
}
