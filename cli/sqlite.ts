/**
 * The SQLite half of the CLI, loaded only by the commands that need it: a
 * SQLite file or a libSQL server (Turso) through `@libsql/client`, an optional
 * peer loaded only when `--sqlite` is given. A local D1 (wrangler, Miniflare)
 * is a SQLite file under `.wrangler/state/v3/d1/miniflare-D1DatabaseObject/`.
 *
 * @module
 */
import { existsSync, statSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { SessionStorePeerMissingError } from '../src/index.js'
import { libsqlQuery, type SqliteQuery } from '../src/stores/sqlite/index.js'
import { usage } from './io.js'

export { createSqliteTable, DEFAULT_SQLITE_PRUNE_LIMIT, pruneSqlite, sqliteStore } from '../src/stores/sqlite/index.js'

// Not a string literal in import(), so that bundlers leave the driver out.
const LIBSQL = '@libsql/client'

type LibsqlModule = {
  createClient(config: { url: string; authToken?: string; intMode?: 'number' }): {
    execute: Parameters<typeof libsqlQuery>[0]['execute']
    close(): void
  }
}

/** The URL schemes of a libSQL server (`--sqlite libsql://db.turso.io`). */
const REMOTE = ['libsql:', 'http:', 'https:', 'ws:', 'wss:']

/**
 * `--sqlite`'s value as a libSQL URL: a file path (or `file:` URL), or a
 * libSQL server's URL. Anything else is a usage error, and so is a file that
 * does not exist unless the command creates it (`table create`).
 *
 * @param value the option's text
 * @param command the command, for messages
 * @param create whether a missing file may be created
 */
export function sqliteUrl(value: string, command: string, create = false): string {
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(value)?.[1]?.toLowerCase()
  if (scheme !== undefined && scheme !== 'file') {
    if (REMOTE.includes(`${scheme}:`)) {
      try {
        new URL(value)
        return value
      } catch {
        throw usage(`--sqlite ${JSON.stringify(value)} is not a valid URL`, command)
      }
    }
    throw usage('--sqlite must be a SQLite file path, a file: URL, or a libsql://, https:// or wss:// URL of a libSQL server', command)
  }
  let path = value
  if (scheme === 'file') {
    try {
      path = /^file:\/\//i.test(value) ? fileURLToPath(value) : value.slice('file:'.length)
    } catch {
      throw usage(`--sqlite ${JSON.stringify(value)} is not a valid file: URL`, command)
    }
  }
  if (existsSync(path) ? statSync(path).isDirectory() : !create) {
    throw usage(`--sqlite ${JSON.stringify(value)}: ${existsSync(path) ? 'is a directory' : 'no such file'}`, command)
  }
  return pathToFileURL(path).href
}

/** A libSQL connection the CLI opened: its seam, and how to close it. */
export interface SqliteConnection {
  query: SqliteQuery
  close(): Promise<void>
}

/**
 * Opens `url` with `@libsql/client` (LIBSQL_AUTH_TOKEN, or TURSO_AUTH_TOKEN,
 * authenticates to a server).
 *
 * @param url a URL from {@link sqliteUrl}
 * @param env the environment
 */
export async function connectSqlite(url: string, env: Readonly<Record<string, string | undefined>>): Promise<SqliteConnection> {
  let libsql: LibsqlModule
  try {
    libsql = (await import(LIBSQL)) as LibsqlModule
  } catch (cause) {
    throw new SessionStorePeerMissingError(
      `seshjs --sqlite opens SQLite files and libSQL servers with ${LIBSQL}, which could not be loaded: npm install ${LIBSQL}.`,
      LIBSQL,
      {
        cause,
      },
    )
  }
  const authToken = env.LIBSQL_AUTH_TOKEN || env.TURSO_AUTH_TOKEN || undefined
  const client = libsql.createClient({ url, intMode: 'number', ...(authToken ? { authToken } : {}) })
  return { query: libsqlQuery(client), close: async () => client.close() }
}
