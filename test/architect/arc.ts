/** The real @architect/functions 8, for differential and wire tests. */
import { createRequire } from 'node:module'
import type { ArcEvent, ArcResult, PlainSession } from 'seshjs/architect'

const require = createRequire(import.meta.url)

// biome-ignore lint/suspicious/noExplicitAny: any by design
type Fn = (req: any, ...rest: any[]) => any

export interface RealArc {
  http: {
    (...fns: Fn[]): (event: ArcEvent, context?: unknown) => Promise<ArcResult>
    async(...fns: Fn[]): (event: ArcEvent, context?: unknown) => Promise<ArcResult>
    session: { read(req: unknown): Promise<PlainSession>; write(data: PlainSession): Promise<string> }
    csrf: { create(data?: string, ts?: number): string; verify(token: string): boolean }
  }
}

/**
 * Loads the real package. It reads `process.env` at call time, so set the
 * `ARC_*` variables (`setEnv`) before each call.
 */
export function loadArc(): RealArc {
  process.env.ARC_ENV ??= 'testing'
  return require('@architect/functions') as RealArc
}

const ARC_KEYS = [
  'ARC_APP_SECRET',
  'ARC_APP_SECRET_ALGO',
  'ARC_FORCE_LEGACY_JWE_SECRET',
  'ARC_SESSION_TABLE_NAME',
  'SESSION_TABLE_NAME',
  'ARC_SESSION_TTL',
  'ARC_SESSION_SAME_SITE',
  'ARC_SESSION_DOMAIN',
  'ARC_APP_NAME',
]

/** Replaces the ARC_* session variables of `process.env` with `env` (ARC_ENV kept unless given). */
export function setEnv(env: Record<string, string>): void {
  for (const key of ARC_KEYS) delete process.env[key]
  Object.assign(process.env, env)
}
