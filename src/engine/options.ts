/**
 * Options, defaults, validation and the `ARC_*` environment mapping. Everything
 * is normalised once, at construction; nothing here runs per request.
 *
 * @module
 */
import { type ContentEncryption, type CryptoChoice, DEVELOPMENT_SECRETS, KEY_BYTES, Keyring } from '../crypto/keyring.js'
import { isProductionEnvironment, runtimeEnv } from './environment.js'
import { SessionSecretError } from '../errors.js'
import { MAX_CHUNKS } from '../cookie/chunks.js'
import { COOKIE_LIMIT, type CookieAttributes, type SameSite } from '../cookie/cookie.js'
import { cookiePrefixRules, hostPrefixWarning } from '../cookie/prefix.js'
import { assertProductionSecret } from '../crypto/strength.js'
import { resolveStoreTimeout, withDeadline } from '../stores/deadline.js'
import { cookieStore } from '../stores/cookie/index.js'
import type { SessionStore } from '../stores/contract.js'

/** Options of the session cookie. */
export interface SessionCookieOptions {
  /**
   * The cookie name.
   * @default '_idx'
   */
  name?: string | undefined
  /**
   * `SameSite`. `none` forces `Secure`. Env: `ARC_SESSION_SAME_SITE`.
   * @default 'lax'
   */
  sameSite?: SameSite | 'Lax' | 'Strict' | 'None' | undefined
  /** `Domain`; unset means host-only. Env: `ARC_SESSION_DOMAIN`. */
  domain?: string | undefined
  /**
   * `Secure`.
   * @default true in production, false otherwise
   */
  secure?: boolean | undefined
  /**
   * `Max-Age` in seconds (capped at 400 days, the browsers' own cap). Env: `ARC_SESSION_TTL`.
   * @default the idle `ttl`
   */
  maxAge?: number | undefined
  /**
   * Prefix the name with `__Host-` (forces `Secure`, `Path=/`, no `Domain`).
   * @default false
   */
  hostPrefix?: boolean | undefined
  /**
   * Add `Partitioned` (CHIPS; forces `Secure`).
   * @default false
   */
  partitioned?: boolean | undefined
}

/** Options of {@link createSessions}, `withSession` and the `sessions()` middleware. */
export interface SessionOptions {
  /** The secret that seals and signs. Env: `ARC_APP_SECRET`. */
  secret?: string | undefined
  /** Several secrets for rotation, newest first: the newest seals and signs, all open and verify. */
  secrets?: readonly string[] | undefined
  /**
   * JWE content encryption of the cookie store; the key is the secret's first 32/24/16 bytes.
   * Env: `ARC_APP_SECRET_ALGO`.
   * @default 'A256GCM'
   */
  algorithm?: ContentEncryption | undefined
  /**
   * Use Architect's pre-v7 key derivation (always A128GCM). Env: `ARC_FORCE_LEGACY_JWE_SECRET`.
   * @default false
   */
  legacyKeys?: boolean | undefined
  /**
   * The crypto implementation. `'default'` is the platform's: a synchronous
   * `node:crypto` provider on Node (and Lambda), WebCrypto + jose elsewhere;
   * `'webcrypto'` forces WebCrypto + jose; or pass your own {@link CryptoProvider}.
   * Every choice reads and writes the same tokens.
   * @default 'default'
   */
  crypto?: CryptoChoice
  /**
   * Where sessions live.
   * @default cookieStore()
   */
  store?: SessionStore | undefined
  /** The session cookie. */
  cookie?: SessionCookieOptions | undefined
  /**
   * Idle lifetime in seconds, measured from the last write; a session in use renews itself.
   * @default 604800 (7 days)
   */
  ttl?: number | undefined
  /**
   * A read-only request re-issues the session (renewing its idle lifetime) at
   * most once per this many seconds.
   * @default 3600, capped at half the `ttl` and half the cookie's `Max-Age`
   */
  touchAfter?: number | undefined
  /**
   * Absolute lifetime in seconds from creation, whatever the activity. Off by default.
   */
  maxAge?: number | undefined
  /**
   * Server stores: for how many seconds the old id of a regenerated session
   * (`regenerate()`) is remembered as moved. A request of the same visitor
   * still in flight with the old cookie then writes nothing and sends no
   * cookie, instead of expiring the new one (a logout right after a login).
   * 0 forgets the old id at once. See docs/security.md, "Concurrent requests".
   * @default 60
   */
  regenerateGrace?: number | undefined
  /**
   * Production mode: a strong secret is required and the cookie is `Secure`.
   * `false` never allows the public development key while anything says production.
   * @default true when `ARC_ENV` is `staging` or `production`, or `NODE_ENV` is `production`
   * (in the `env` option, else the runtime's environment)
   */
  production?: boolean | undefined
  /**
   * The environment to read `ARC_*` variables (and `NODE_ENV`) from, instead of
   * the runtime's own: any object, e.g. a Worker's `env` (an `interface Env` as
   * `wrangler types` writes it is fine). Only its string values are read.
   * Explicit options win over it. Even with it, the development key is refused
   * when the process's own environment says production.
   * @default the runtime's environment: `process.env` (Node, Bun, Lambda),
   * `Deno.env` (Deno); the `sessions()` middleware and `withSession()` read a
   * Worker's bindings with each request
   */
  env?: object | undefined
  /**
   * The clock, in milliseconds since the epoch.
   * @default Date.now
   */
  now?: (() => number) | undefined
  /**
   * Receives start-up warnings (the development key is in use; in production,
   * a cookie open to cookie tossing).
   * @default console.warn, each warning once per process
   */
  onWarning?: ((message: string) => void) | undefined
  /**
   * The deadline of one store call (a read, a write), in milliseconds,
   * retries included. When it passes, the call is abandoned (its `AbortSignal`
   * aborted) and the request gets the store-error response (503 with
   * `Retry-After` by default): never a hang, never an empty session. A request
   * makes at most a read and a write, so it waits at most about twice this.
   * @default 3000
   */
  storeTimeout?: number
  /**
   * Architect compatibility (`seshjs/architect` sets it): with no secret,
   * outside production, session ids and CSRF tokens are signed with
   * `ARC_APP_NAME` (or `'fallback'`), as `@architect/functions` does, so its
   * DynamoDB cookies stay valid. The cookie store still uses the development key.
   * @default false
   */
  appNameFallback?: boolean | undefined
}

const CONFIG: unique symbol = Symbol('seshjs.config')

/**
 * The one resolved configuration: options plus the `ARC_*` environment, turned
 * into everything derived from them. Made by {@link resolveConfig}; every door
 * of the engine, every adapter, `seshjs/architect` and its CSRF tokens use it,
 * so no setting is decided twice.
 */
export interface SessionConfig {
  /** Production mode: a strong secret is required and the cookie is `Secure`. */
  readonly production: boolean
  /** `true` when no secret is configured and the public development key is in use. */
  readonly usingDevelopmentKey: boolean
  /** The keys: seal and open cookies, sign and verify ids (newest first). */
  readonly keyring: Keyring
  /** The secrets that sign CSRF tokens, newest first: the newest signs, all verify. */
  readonly csrfSecrets: readonly string[]
  /** Where sessions live. */
  readonly store: SessionStore
  /** The session cookie's name (with its `__Host-` prefix, if any). */
  readonly cookieName: string
  /** The session cookie's attributes. */
  readonly cookieAttributes: CookieAttributes
  /** Idle lifetime, in seconds. */
  readonly ttl: number
  /** Renewal throttle, in seconds. */
  readonly touchAfter: number
  /** Absolute lifetime, in seconds, if any. */
  readonly maxAge: number | undefined
  /** How long the old id of a regenerated session is remembered as moved, in seconds. */
  readonly regenerateGrace: number
  /** The table `ARC_SESSION_TABLE_NAME` names (`undefined` when unset or `jwe`). */
  readonly table: string | undefined
  /** The clock, in milliseconds. */
  readonly now: () => number
  /** @internal */
  readonly [CONFIG]: true
}

/** @deprecated the former name of {@link SessionConfig} */
export type ResolvedOptions = SessionConfig

/**
 * Whether `value` is a configuration made by {@link resolveConfig}.
 *
 * @param value anything
 */
export function isSessionConfig(value: unknown): value is SessionConfig {
  return typeof value === 'object' && value !== null && (value as Partial<SessionConfig>)[CONFIG] === true
}

/** The defaults, in one place. */
export const DEFAULTS = {
  cookieName: '_idx',
  sameSite: 'lax',
  algorithm: 'A256GCM',
  ttl: 7 * 24 * 60 * 60,
  touchAfter: 60 * 60,
  regenerateGrace: 60,
} as const

/** Browsers cap cookie lifetimes at 400 days. */
const MAX_COOKIE_AGE = 400 * 24 * 60 * 60

const shownWarnings = new Set<string>()

function envString(env: SessionOptions['env'], name: string): string | undefined {
  const record = env as Readonly<Record<string, unknown>> | undefined
  const value = record && Object.hasOwn(record, name) ? record[name] : undefined
  return typeof value === 'string' && value !== '' ? value : undefined
}

function positiveInteger(value: unknown, what: string, allowZero = false): number {
  const number = typeof value === 'string' ? Number(value) : value
  if (typeof number !== 'number' || !Number.isInteger(number) || number < (allowZero ? 0 : 1)) {
    throw new TypeError(`${what} must be a ${allowZero ? 'non-negative' : 'positive'} integer number of seconds`)
  }
  return number
}

function sameSiteOf(value: string): SameSite {
  const lower = value.toLowerCase()
  if (lower !== 'lax' && lower !== 'strict' && lower !== 'none') {
    throw new TypeError('SameSite must be one of lax, strict or none (ARC_SESSION_SAME_SITE)')
  }
  return lower
}

/**
 * The content encryption. An invalid `algorithm` option is API misuse (a
 * `TypeError`); an invalid `ARC_APP_SECRET_ALGO` is the `ReferenceError`
 * `@architect/functions` throws, with its message.
 */
function algorithmOf(option: string | undefined, env: string | undefined): ContentEncryption {
  const value = option ?? env ?? DEFAULTS.algorithm
  if (Object.hasOwn(KEY_BYTES, value)) return value as ContentEncryption
  if (option !== undefined) throw new TypeError('The JWE algorithm must be one of A256GCM, A192GCM or A128GCM')
  throw new ReferenceError(`Invalid token algorithm, must be one of: ${Object.keys(KEY_BYTES).join(', ')} (ARC_APP_SECRET_ALGO)`)
}

/**
 * The session table the environment names: `ARC_SESSION_TABLE_NAME` (or the
 * older `SESSION_TABLE_NAME`), or `undefined` when it is unset or `jwe` — the
 * cookie store, as in Architect. What the name means is the runtime's: a
 * DynamoDB table on AWS, a KV binding on Workers.
 *
 * @example
 * ```ts
 * const table = sessionTableName(process.env)
 * const store = table ? dynamoStore({ table }) : undefined
 * ```
 * @param env the environment (`process.env`, a Worker's `env`)
 */
export function sessionTableName(env: SessionOptions['env']): string | undefined {
  const table = envString(env, 'ARC_SESSION_TABLE_NAME') ?? envString(env, 'SESSION_TABLE_NAME')
  return table === 'jwe' ? undefined : table
}

/**
 * Where the settings are read from, named for messages: the `env` option, or
 * (without it) the runtime's environment, or a Worker's bindings.
 */
export interface SettingsSource {
  /** The variables (`undefined`: none could be read). */
  readonly env: object | undefined
  /** Its name in messages: `process.env`, `the env option`, … */
  readonly name: string
}

/**
 * The source of settings for `options`: its `env` (named `process.env` when
 * it is the process's own), else the runtime's environment.
 *
 * @param options the options
 */
export function settingsSource(options: Pick<SessionOptions, 'env'>): SettingsSource {
  const runtime = runtimeEnv()
  if (options.env === undefined) return runtime ?? { env: undefined, name: 'the environment (none is readable on this runtime: pass env)' }
  return { env: options.env, name: runtime !== undefined && runtime.env === options.env ? runtime.name : 'the env option' }
}

/**
 * Whether the options describe production: `production`, else `ARC_ENV` of
 * `staging`/`production` or `NODE_ENV=production` in `env` (without `env`, in
 * the runtime's environment).
 *
 * @param options the options
 */
export function isProduction(options: Pick<SessionOptions, 'production' | 'env'>): boolean {
  const fromEnv = isProductionEnvironment(settingsSource(options).env) // validated even when `production` decides
  return options.production ?? fromEnv
}

/**
 * Why the development key is refused, or `undefined` when nothing says
 * production: the `production` option, the settings' `ARC_ENV`/`NODE_ENV`, or
 * the process's own (read even when `env` replaced it as the source).
 */
function productionSays(production: boolean | undefined, source: SettingsSource): string | undefined {
  if (production === true) return 'the production option is true'
  if (isProductionEnvironment(source.env)) return `ARC_ENV or NODE_ENV in ${source.name} says production`
  const runtime = runtimeEnv()
  if (runtime && runtime.env !== source.env && isProductionEnvironment(runtime.env))
    return `ARC_ENV or NODE_ENV in ${runtime.name} says production`
  return undefined
}

function secretsOf(options: SessionOptions, env: object | undefined): string[] {
  if (options.secrets !== undefined) {
    if (!Array.isArray(options.secrets) || options.secrets.some((s) => typeof s !== 'string' || s === '')) {
      throw new TypeError('secrets must be an array of non-empty strings, newest first')
    }
    return [...options.secrets]
  }
  if (options.secret !== undefined && (typeof options.secret !== 'string' || options.secret === '')) {
    throw new TypeError('secret must be a non-empty string')
  }
  const secret = options.secret ?? envString(env, 'ARC_APP_SECRET')
  return secret ? [secret] : []
}

/** A store's `chunks` declaration: stateless stores only, within the limits the engine can honour. */
function assertChunks(store: SessionStore): void {
  const { chunks } = store
  if (chunks === undefined) return
  if (!store.stateless) {
    throw new TypeError('Chunked cookies are for the cookie store: a server-side store keeps only a short signed id in the cookie')
  }
  if (
    chunks === null ||
    typeof chunks !== 'object' ||
    !Number.isInteger(chunks.max) ||
    chunks.max < 2 ||
    chunks.max > MAX_CHUNKS ||
    !Number.isInteger(chunks.maxBytes) ||
    chunks.maxBytes < COOKIE_LIMIT
  ) {
    throw new TypeError(`A store's chunks must be { max: 2 to ${MAX_CHUNKS}, maxBytes: at least ${COOKIE_LIMIT} }`)
  }
}

/**
 * The one configuration resolver: applies defaults and the `ARC_*` environment
 * to `options`, validates them, and derives everything else (keys, id-signing
 * and CSRF secrets, cookie attributes, store, production mode). Imports no key
 * yet (keys are imported once, on first use).
 *
 * The environment is `options.env`, else the runtime's own (`process.env`,
 * `Deno.env`). The development key is refused when anything says production:
 * the `production` option, that environment, or the process's own
 * `ARC_ENV`/`NODE_ENV` (read even when `env` is given).
 *
 * Throws a {@link SessionSecretError} in production without a strong secret,
 * and a `TypeError` for any invalid option, and when `ARC_SESSION_TABLE_NAME`
 * names a table but no `store` is given (the core cannot make a DynamoDB store).
 *
 * @example
 * ```ts
 * const config = resolveConfig() // reads process.env on Node
 * const engine = createSessions(config) // nothing resolved twice
 * config.production // the one answer to "is this production?"
 * ```
 * @param options the caller's options
 */
export function resolveConfig(options: SessionOptions = {}): SessionConfig {
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object')
  return resolveConfigFrom(options, settingsSource(options))
}

/**
 * {@link resolveConfig} with the settings read from `source`: for a Worker's
 * bindings, which arrive with each request (the `sessions()` middleware and
 * `withSession()`).
 *
 * @param options the caller's options (their `env`, if any, is ignored: `source` replaces it)
 * @param source where the `ARC_*` settings come from
 */
export function resolveConfigFrom(options: SessionOptions, source: SettingsSource): SessionConfig {
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object')
  const { env } = source
  const production = options.production ?? isProductionEnvironment(env) // validated even when `production` decides
  const warn =
    options.onWarning ??
    ((message: string) => {
      if (shownWarnings.has(message)) return
      shownWarnings.add(message)
      console.warn(message)
    })
  const algorithm = algorithmOf(options.algorithm, envString(env, 'ARC_APP_SECRET_ALGO'))
  const legacyKeys = options.legacyKeys ?? envString(env, 'ARC_FORCE_LEGACY_JWE_SECRET') !== undefined

  let secrets = secretsOf(options, env)
  const usingDevelopmentKey = secrets.length === 0
  // Architect signs ids and CSRF tokens with ARC_APP_NAME (or 'fallback') when it has no secret
  const appNameSecret = usingDevelopmentKey && options.appNameFallback === true ? (envString(env, 'ARC_APP_NAME') ?? 'fallback') : undefined
  if (usingDevelopmentKey) {
    // Refused whenever anything says production, `production: false` included: the key is public.
    const refusal = productionSays(options.production, source)
    if (refusal !== undefined) {
      throw new SessionSecretError(
        `No session secret is set (no secret option, no ARC_APP_SECRET in ${source.name}), and production needs one ` +
          `(${refusal}). Set ARC_APP_SECRET to a strong random value ` +
          '(at least 32 characters), e.g. the output of `openssl rand -base64 32`.',
      )
    }
    secrets = [legacyKeys ? btoa(DEVELOPMENT_SECRETS.A128GCM) : DEVELOPMENT_SECRETS[algorithm]]
    warn(
      `sesh: no ARC_APP_SECRET is set, so sessions use the public development key (read: ${source.name}; no secret option). ` +
        'Set ARC_APP_SECRET (e.g. `openssl rand -base64 32`) before deploying.',
    )
  } else if (production) {
    secrets.forEach((secret, i) =>
      assertProductionSecret(secret, algorithm, legacyKeys ? 'legacy' : 'architect', secrets.length > 1 ? `secrets[${i}]` : undefined),
    )
  }
  const table = sessionTableName(env)
  if (options.store === undefined && table !== undefined) {
    throw new TypeError(
      `ARC_SESSION_TABLE_NAME in ${source.name} names a table ("${table}") but no store was given: pass ` +
        "store: dynamoStore({ table }) from 'seshjs/dynamodb' (on Workers, sessions((env) => workerOptions(env)) " +
        "from 'seshjs/workers' picks the KV binding of that name), or set it to jwe for the cookie store.",
    )
  }
  const signingSecrets = appNameSecret === undefined ? secrets : [appNameSecret]
  const keyring = new Keyring(secrets, algorithm, legacyKeys ? 'legacy' : 'architect', signingSecrets, options.crypto)

  const ttl = positiveInteger(options.ttl ?? DEFAULTS.ttl, 'ttl')
  const maxAge = options.maxAge === undefined ? undefined : positiveInteger(options.maxAge, 'maxAge')

  const cookie = options.cookie ?? {}
  const envMaxAge = envString(env, 'ARC_SESSION_TTL') ?? envString(env, 'SESSION_TTL')
  const cookieMaxAge = Math.min(MAX_COOKIE_AGE, positiveInteger(cookie.maxAge ?? envMaxAge ?? ttl, 'cookie.maxAge (ARC_SESSION_TTL)', true))
  const touchAfter =
    options.touchAfter === undefined
      ? Math.max(0, Math.min(DEFAULTS.touchAfter, Math.floor(ttl / 2), Math.floor(cookieMaxAge / 2)))
      : positiveInteger(options.touchAfter, 'touchAfter', true)

  const sameSite = sameSiteOf(cookie.sameSite ?? envString(env, 'ARC_SESSION_SAME_SITE') ?? DEFAULTS.sameSite)
  const hostPrefix = cookie.hostPrefix ?? false
  const partitioned = cookie.partitioned ?? false
  const domain = cookie.domain ?? envString(env, 'ARC_SESSION_DOMAIN') ?? envString(env, 'SESSION_DOMAIN')
  const name = cookie.name ?? DEFAULTS.cookieName
  if (typeof name !== 'string' || !/^[\w!#$%&'*.^`|~+-]+$/.test(name)) throw new TypeError('cookie.name is not a valid cookie name')
  const prefix = cookiePrefixRules({ name, hostPrefix, domain, secure: cookie.secure })
  const secure = (cookie.secure ?? production) || prefix.secure || partitioned || sameSite === 'none'
  const tossing = hostPrefixWarning({ production, host: prefix.host, domain, hostPrefix: cookie.hostPrefix })
  if (tossing) warn(tossing)
  const regenerateGrace =
    options.regenerateGrace === undefined ? DEFAULTS.regenerateGrace : positiveInteger(options.regenerateGrace, 'regenerateGrace', true)
  const storeTimeout = resolveStoreTimeout(options.storeTimeout)
  const store = options.store ?? cookieStore()
  assertChunks(store)

  const now = options.now ?? Date.now
  if (typeof now !== 'function') throw new TypeError('now must be a function returning milliseconds')

  return Object.freeze({
    [CONFIG]: true as const,
    keyring,
    csrfSecrets: Object.freeze([...signingSecrets]),
    table,
    store: withDeadline(store, storeTimeout),
    cookieName: prefix.name,
    cookieAttributes: Object.freeze({
      path: '/' as const,
      httpOnly: true as const,
      sameSite,
      secure,
      ...(domain && !prefix.host ? { domain } : {}),
      maxAge: cookieMaxAge,
      partitioned,
    }),
    ttl,
    touchAfter,
    maxAge,
    regenerateGrace,
    production,
    usingDevelopmentKey,
    now,
  })
}

/** @deprecated the former name of {@link resolveConfig} */
export const resolveOptions = resolveConfig
