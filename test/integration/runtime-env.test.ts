/**
 * The environment by default: `app.use(sessions())`, `createSessions()` and
 * `withSession()` with no `env` option read the process's own environment.
 * Each case runs fixtures/env-app.ts in its own Node process with exactly the
 * environment under test, as a deployed app would start.
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createSessions } from 'seshjs'

const root = fileURLToPath(new URL('../..', import.meta.url))
const APP = fileURLToPath(new URL('./fixtures/env-app.ts', import.meta.url))
const STRONG = randomBytes(32).toString('base64')

interface Run {
  status?: number
  setCookie?: string[]
  error?: { name: string; message: string; code?: string }
  warnings: string[]
}

/** Runs the fixture app with `door` in a process whose environment is the parent's minus `ARC_*`/`NODE_ENV`, plus `env`. */
function run(door: string, env: Record<string, string>): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('ARC_') && name !== 'NODE_ENV'))
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', APP, door],
      { cwd: root, env: { ...base, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`${error.message}\n${stderr}`))
        resolve(JSON.parse(stdout) as Run)
      },
    )
  })
}

/** The user of a session cookie (`name=value; …`), opened with `secret` (or the development key). */
async function userIn(setCookie: string, secret?: string): Promise<string | undefined> {
  const value = decodeURIComponent(setCookie.split(';')[0]!.split('=').slice(1).join('='))
  const engine = createSessions<{ user: string }>({ env: {}, onWarning() {}, ...(secret ? { secret } : {}) })
  return engine.open(value).get('user')
}

const PRODUCTION = { NODE_ENV: 'production', ARC_ENV: 'production' }

describe('the environment by default (a process of its own per case)', () => {
  for (const door of ['middleware', 'create', 'with-session']) {
    it(`${door}: production with a strong ARC_APP_SECRET seals with it, Secure, no development-key warning`, async () => {
      const result = await run(door, { ...PRODUCTION, ARC_APP_SECRET: STRONG })
      expect(result.error).toBeUndefined()
      const [cookie] = result.setCookie!
      expect(cookie).toMatch(/^_idx=/)
      expect(cookie).toMatch(/; Secure/)
      expect(await userIn(cookie!, STRONG)).toBe('ada')
      expect(await userIn(cookie!)).toBeUndefined() // not the public development key
      expect(result.warnings.filter((w) => /development key|ARC_APP_SECRET/.test(w))).toEqual([])
    })

    it(`${door}: production with no secret is a SessionSecretError naming what was read`, async () => {
      const result = await run(door, PRODUCTION)
      expect(result.error).toMatchObject({ name: 'SessionSecretError', code: 'ERR_SESSION_SECRET' })
      expect(result.error!.message).toMatch(/no ARC_APP_SECRET in process\.env/)
      expect(result.setCookie).toBeUndefined()
    })
  }

  it('development: the development key, with a warning that says process.env was read', async () => {
    const result = await run('middleware', { NODE_ENV: 'development' })
    const [cookie] = result.setCookie!
    expect(cookie).not.toMatch(/Secure/)
    expect(await userIn(cookie!)).toBe('ada')
    expect(result.warnings).toEqual([
      expect.stringMatching(
        /no ARC_APP_SECRET is set, so sessions use the public development key \(read: process\.env; no secret option\)/,
      ),
    ])
  })

  it('an explicit env replaces process.env as the source, but the development key is still refused when the process says production', async () => {
    const refused = await run('middleware-env', { NODE_ENV: 'production', ARC_APP_SECRET: STRONG })
    expect(refused.error).toMatchObject({ name: 'SessionSecretError' })
    expect(refused.error!.message).toMatch(/no ARC_APP_SECRET in the env option.*NODE_ENV in process\.env says production/)
    // in development, the explicit env's lack of a secret is the development key, and the warning names the env option
    const development = await run('middleware-env', { NODE_ENV: 'development', ARC_APP_SECRET: STRONG })
    expect(await userIn(development.setCookie![0]!)).toBe('ada')
    expect(development.warnings).toEqual([expect.stringMatching(/\(read: the env option; no secret option\)/)])
  })

  it('ARC_SESSION_TABLE_NAME naming a table, with no store given, stops start-up naming what to pass', async () => {
    const result = await run('middleware', { NODE_ENV: 'development', ARC_APP_SECRET: STRONG, ARC_SESSION_TABLE_NAME: 'sessions' })
    expect(result.error).toMatchObject({ name: 'TypeError' })
    expect(result.error!.message).toMatch(
      /ARC_SESSION_TABLE_NAME in process\.env names a table \("sessions"\).*dynamoStore\(\{ table \}\) from 'seshjs\/dynamodb'/,
    )
    // jwe is the cookie store, as in Architect
    const jwe = await run('middleware', { NODE_ENV: 'development', ARC_APP_SECRET: STRONG, ARC_SESSION_TABLE_NAME: 'jwe' })
    expect(await userIn(jwe.setCookie![0]!, STRONG)).toBe('ada')
  })
})
