/**
 * Lambda without Architect (docs/runtimes.md, "Deploy to Lambda without
 * Architect"): the documented esbuild command bundles the counter's handler
 * into one file that plain Node runs from a folder with no node_modules, and
 * an API Gateway HTTP API (payload 2.0) event keeps a session across requests.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECRET } from '../helpers.js'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../..', import.meta.url))
let work: string
let bundle: string

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'seshjs-lambda-bundle-'))
  bundle = join(work, 'index.mjs')
  const doc = await readFile(join(root, 'docs/runtimes.md'), 'utf8')
  // the flags the page gives, on the counter's entry
  const command = /npx esbuild src\/lambda\.ts (.+?) --outfile=build\/index\.mjs/s.exec(doc)
  expect(command, 'docs/runtimes.md shows the esbuild command').not.toBeNull()
  const flags = command![1]!
    .replace(/\\\n\s*/g, ' ')
    .replace(/'/g, '')
    .split(/\s+/)
    .filter(Boolean)
  await run(
    join(root, 'node_modules/.bin/esbuild'),
    ['examples/counter/lambda.ts', ...flags, `--outfile=${bundle}`, '--log-level=warning'],
    {
      cwd: root,
    },
  )
}, 60_000)

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true })
})

/** Two POST /count and a GET /, each with the cookie of the one before, through the bundle's handler in a plain Node process. */
const visit = `
import { readFileSync } from 'node:fs'
const { handler } = await import(process.env.BUNDLE)
const fixture = JSON.parse(readFileSync(process.env.FIXTURE, 'utf8'))
const send = (method, path, cookies) =>
  handler(
    {
      ...fixture,
      rawPath: path,
      rawQueryString: '',
      cookies,
      headers: { host: fixture.requestContext.domainName, 'content-type': 'application/x-www-form-urlencoded' },
      queryStringParameters: undefined,
      pathParameters: undefined,
      requestContext: { ...fixture.requestContext, http: { ...fixture.requestContext.http, method, path } },
      body: method === 'GET' ? undefined : '',
      isBase64Encoded: false,
    },
    { awsRequestId: 'test', getRemainingTimeInMillis: () => 3000 },
  )
const cookieOf = (result) => (result.cookies ?? []).map((c) => c.split(';')[0]).filter((c) => c.startsWith('_idx='))
const first = await send('POST', '/count', [])
const second = await send('POST', '/count', cookieOf(first))
const page = await send('GET', '/', cookieOf(second))
console.log(JSON.stringify({ statuses: [first.statusCode, second.statusCode, page.statusCode], cookies: [cookieOf(first).length, cookieOf(second).length], page: page.body }))
`

describe('the Lambda bundle (esbuild, no Architect)', () => {
  it('imports nothing but Node built-ins and the AWS SDK the runtime ships', async () => {
    const code = await readFile(bundle, 'utf8')
    const imports = [...code.matchAll(/^import .*? from ["']([^"']+)["']/gm), ...code.matchAll(/\bimport\(["']([^"']+)["']\)/g)].map(
      (m) => m[1]!,
    )
    expect(imports.filter((name) => !name.startsWith('node:') && !name.startsWith('@aws-sdk/'))).toEqual([])
  })

  it('answers API Gateway HTTP API events and counts in the session cookie', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', visit], {
      cwd: work, // no node_modules anywhere above
      env: {
        PATH: process.env.PATH ?? '',
        ARC_APP_SECRET: SECRET,
        ARC_ENV: 'production',
        BUNDLE: pathToFileURL(bundle).href,
        FIXTURE: join(root, 'adapters/fixtures/lambda/http-v2.json'),
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    })
    const result = JSON.parse(stdout) as { statuses: number[]; cookies: number[]; page: string }
    expect(result.statuses).toEqual([302, 302, 200])
    expect(result.cookies).toEqual([1, 1])
    expect(result.page).toMatch(/\bCount 2\b/)
  })
})
