/**
 * `seshjs secret`, `table create` and `decode`, run as child processes against
 * dynalite and on cookies written by sesh and by @architect/functions.
 */
import { createRequire } from 'node:module'
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { cookieStore, createSessions } from 'seshjs'
import { dynamoStore } from 'seshjs/dynamodb'
import { CookieJar, SECRET } from '../helpers.js'
import { loadArc, setEnv } from '../architect/arc.js'
import { startDynalite, type Dynalite } from '../stores/dynalite.js'
import { cli, MAIN } from './run-cli.js'

const require = createRequire(import.meta.url)
let db: Dynalite
let aws: Record<string, string>

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 }) // child processes on a busy machine

beforeAll(async () => {
  db = await startDynalite()
  aws = {
    AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  }
})
afterAll(() => db?.close())

async function sealedBySesh(data: Record<string, unknown>, secret = SECRET): Promise<string> {
  const engine = createSessions({ secret, store: cookieStore() })
  const session = await engine.load(new Request('http://localhost/'))
  session.replace(data)
  const jar = new CookieJar()
  jar.take(await engine.commit(session, new Response()))
  return jar.cookies.get('_idx')!
}

describe('seshjs', () => {
  it('help, unknown commands and options: usage on stdout, one line on stderr, exit codes 0/2', async () => {
    const [help, unknown, badOption, secretHelp] = await Promise.all([
      cli(['--help']),
      cli(['frobnicate']),
      cli(['secret', '--bogus']),
      cli(['secret', '--help']),
    ])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^Usage: seshjs <command>/)
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toBe('seshjs: unknown command "frobnicate" (see `seshjs --help`)\n')
    expect(badOption.code).toBe(2)
    expect(badOption.stderr.trim().split('\n')).toHaveLength(1)
    expect(secretHelp.stdout).toMatch(/^Usage: seshjs secret/)
  })

  it('every bad option value and stray argument is a usage error: one line, exit 2, before any connection', async () => {
    const lines = [
      ['secret', '--bytes', 'abc'],
      ['secret', '--bytes', '16'], // below the 32-byte minimum
      ['secret', '--bytes', '2048'],
      ['secret', '--bytes', '1e2'],
      ['secret', 'extra'],
      ['help', 'secret', 'extra'],
      ['help', 'frobnicate'],
      ['--help', 'extra'],
      ['table', 'create', 't', '--user-key='],
      ['sessions', 'count', 'extra', '--table', 't'],
      ['sessions', 'count', '--user', 'ada', '--table', 't'],
      ['sessions', 'show', 'id', '--limit', '5', '--table', 't'],
      ['sessions', 'list', '--ttl', 'soon', '--table', 't'],
      ['sessions', 'list', '--table', ''],
      ['sessions', 'count', '--redis', 'http://127.0.0.1:6379'],
      ['sessions', 'count', '--redis', 'redis://127.0.0.1:port'],
    ]
    // a dead endpoint: a usage error must be found before the store is asked (which would exit 1)
    const results = await Promise.all(
      lines.map((args) => cli(args, { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9', AWS_REGION: 'us-east-1' })),
    )
    results.forEach((result, i) => {
      expect([lines[i], result.code], result.stderr).toEqual([lines[i], 2])
      expect(result.stdout).toBe('')
      expect(result.stderr.trim().split('\n'), lines[i]!.join(' ')).toHaveLength(1)
    })
    expect(results[1]!.stderr).toBe('seshjs secret: --bytes must be between 32 and 1024 (see `seshjs secret --help`)\n')
    expect(results[4]!.stderr).toBe('seshjs secret: unexpected argument "extra" (see `seshjs secret --help`)\n')
    const [topic, top] = await Promise.all([cli(['help', 'secret']), cli(['help'])])
    expect([topic.code, top.code]).toEqual([0, 0])
    expect(topic.stdout).toMatch(/^Usage: seshjs secret/)
    expect(top.stdout).toMatch(/^Usage: seshjs <command>/)
  })

  it('secret: 32 random bytes in base64, different each time; --json', async () => {
    const [a, b] = await Promise.all([cli(['secret']), cli(['secret', '--json'])])
    expect(a.code).toBe(0)
    expect(atob(a.stdout.trim())).toHaveLength(32)
    const { secret } = JSON.parse(b.stdout) as { secret: string }
    expect(atob(secret)).toHaveLength(32)
    expect(secret).not.toBe(a.stdout.trim())
    // the secret it prints is one the library accepts in production
    expect(() => createSessions({ secret, production: true, cookie: { hostPrefix: true } })).not.toThrow()
  })

  it('table create: creates once (with a user index), keeps it the second time; a dead endpoint is one line, exit 1', async () => {
    const first = await cli(['table', 'create', 'cli-sessions', '--user-key', 'user', '--json'], aws)
    expect(first.stderr).toBe('')
    expect(JSON.parse(first.stdout)).toEqual({ table: 'cli-sessions', created: true, userIndex: 'by-user' })
    const again = await cli(['table', 'create'], { ...aws, ARC_SESSION_TABLE_NAME: 'cli-sessions' })
    expect(again.stdout).toBe('Kept the existing table "cli-sessions".\n')
    const { Table } = await db.client.send(new DescribeTableCommand({ TableName: 'cli-sessions' }))
    expect(Table?.KeySchema).toEqual([{ AttributeName: '_idx', KeyType: 'HASH' }])
    expect(Table?.GlobalSecondaryIndexes?.[0]?.IndexName).toBe('by-user')

    const dead = await cli(['table', 'create', 'x', '--debug'], { ...aws, AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9' })
    expect(dead.code).toBe(1)
    expect(dead.stderr).toMatch(/^seshjs table: DynamoDB CreateTable failed/m)
    expect(dead.stderr).toMatch(/\n\s+at /) // --debug: the stack too
    const quiet = await cli(['table', 'create'], aws)
    expect(quiet.code).toBe(2)
    expect(quiet.stderr).toBe('seshjs table: name the table, or set ARC_SESSION_TABLE_NAME (see `seshjs table create --help`)\n')
  })

  it('decode: JWE cookies by sesh and by @architect/functions, signed ids (with the table), and cookies that do not open', async () => {
    // sesh's own session in the table, and a JWE cookie
    const engine = createSessions({ secret: SECRET, store: dynamoStore({ table: 'cli-sessions', client: db.client }) })
    const session = await engine.load(new Request('http://localhost/'))
    session.set('user', 'ada')
    const jar = new CookieJar()
    jar.take(await engine.commit(session, new Response()))
    const signed = jar.cookies.get('_idx')!
    const id = decodeURIComponent(signed).split('.')[0]!
    const sealed = await sealedBySesh({ user: 'grace', n: 1 })

    // @architect/functions' own writers: its JWE, and its signed id (cookie-signature, as its DynamoDB provider signs)
    setEnv({ ARC_SESSION_TABLE_NAME: 'jwe', ARC_APP_SECRET: SECRET })
    const arc = loadArc()
    const arcCookie = (await arc.http.session.write({ user: 'linus', roles: ['admin'] })).split(';')[0]!
    const arcIat = Math.floor(Date.now() / 1000)
    const theirsJson = cli(['decode', arcCookie, '--json'], { ARC_APP_SECRET: SECRET })
    const { sign } = require('cookie-signature') as { sign(value: string, secret: string): string }
    const arcSigned = sign(id, SECRET)

    const env = { ARC_APP_SECRET: SECRET, ...aws }
    const [mine, theirs, signedOnly, withTable, theirsSigned, wrongSecret, tampered, garbage] = await Promise.all([
      cli(['decode', sealed, '--json'], env),
      cli(['decode', arcCookie], env),
      cli(['decode', signed, '--json'], env),
      cli(['decode', `_idx=${signed}`, '--table', 'cli-sessions', '--json'], env),
      cli(['decode', arcSigned, '--json'], { ...env, ARC_SESSION_TABLE_NAME: 'cli-sessions' }),
      cli(['decode', sealed], { ...env, ARC_APP_SECRET: 'another-secret-0123456789-abcdefghijkl' }),
      cli(['decode', `${signed.slice(0, -3)}AAA`], env),
      cli(['decode', 'not-a-cookie'], env),
    ])
    expect(mine.stderr).toBe('')
    expect(JSON.parse(mine.stdout)).toEqual({ kind: 'jwe', data: { user: 'grace', n: 1 }, issuedAt: expect.any(Number) })
    expect(theirs.code).toBe(0)
    expect(theirs.stdout).toMatch(/^Encrypted session cookie \(JWE\)/)
    expect(JSON.parse(theirs.stdout.slice(theirs.stdout.indexOf('{')))).toEqual({ user: 'linus', roles: ['admin'] })
    expect(JSON.parse(signedOnly.stdout)).toEqual({ kind: 'signed-id', id })
    const stored = { data: { user: 'ada' }, issuedAt: expect.any(Number), expiresAt: expect.any(Number) }
    expect(JSON.parse(withTable.stdout)).toEqual({ kind: 'signed-id', id, session: stored })
    expect(JSON.parse(theirsSigned.stdout)).toEqual({ kind: 'signed-id', id, session: stored })
    for (const failed of [wrongSecret, tampered, garbage]) {
      expect(failed.code).toBe(1)
      expect(failed.stdout).toBe('')
      expect(failed.stderr.trim().split('\n')).toHaveLength(1)
      expect(failed.stderr).not.toContain(SECRET)
    }
    expect(wrongSecret.stderr).toMatch(/does not open with this secret/)
    const decoded = JSON.parse((await theirsJson).stdout) as { issuedAt: number }
    expect(Math.abs(decoded.issuedAt - arcIat)).toBeLessThanOrEqual(2) // Architect's own iat
  })
})

describe('seshjs and the AWS SDK', () => {
  it("prints no SDK banner about Node versions (run as a user's shell runs it: warnings on, the SDK's variable unset)", async () => {
    const { execFile } = await import('node:child_process')
    const env: Record<string, string> = {}
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !/^(ARC_|AWS_)/.test(key)) env[key] = value
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
      execFile(
        process.execPath,
        [MAIN, 'table', 'create', 'banner-check', '--json'],
        { env: { ...env, ...aws }, timeout: 60_000 },
        (error, stdout, stderr) => (error ? reject(Object.assign(error, { stderr })) : resolve({ stdout, stderr })),
      ),
    )
    expect(JSON.parse(stdout)).toMatchObject({ table: 'banner-check', created: true })
    expect(stderr).toBe('')
  })
})

describe('seshjs decode, with the development key', () => {
  it('warns once that no secret is set, though a signed id is opened twice (verified, then read from the table)', async () => {
    const engine = createSessions({ env: {}, store: dynamoStore({ table: 'cli-sessions', client: db.client }), onWarning() {} }) // no secret: not the process's (Architect's test above set one)
    const session = await engine.load(new Request('http://localhost/'))
    session.set('user', 'dev')
    const jar = new CookieJar()
    jar.take(await engine.commit(session, new Response()))
    const decoded = await cli(['decode', jar.cookies.get('_idx')!, '--table', 'cli-sessions', '--json'], aws)
    expect(decoded.code).toBe(0)
    expect(JSON.parse(decoded.stdout)).toMatchObject({ kind: 'signed-id', session: { data: { user: 'dev' } } })
    expect(decoded.stderr).toMatch(/^warning: /)
    expect(decoded.stderr.trim().split('\n')).toHaveLength(1)
  })
})

describe('the bin', () => {
  it('is the built dist/cli/main.js with a node shebang, named seshjs in package.json', async () => {
    const { readFile } = await import('node:fs/promises')
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { bin: Record<string, string> }
    expect(pkg.bin).toEqual({ seshjs: './dist/cli/main.js' })
    expect((await readFile(MAIN, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true)
  })
})
