/**
 * The counter on Express (`npm run start:express`) and on React Router
 * (`npm run start:react-router`): the counter suite (count, reset, the cookie's
 * attributes, hostile cookies), the page naming its framework, and a busy port.
 */
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CookieJar, SECRET } from '../helpers.js'
import { counterSuite, show } from './counter-suite.js'
import { freePort, root, startScript } from './runtimes.js'

const FRAMEWORKS = [
  { script: 'start:express', entry: 'examples/counter/express.ts', served: 'Express' },
  { script: 'start:react-router', entry: 'examples/counter/react-router.ts', served: 'React Router' },
] as const

const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts

for (const { script, entry, served } of FRAMEWORKS) {
  const start = async () => startScript(served, entry, { ARC_APP_SECRET: SECRET, PORT: String(await freePort()), HOST: '127.0.0.1' })

  counterSuite(`${served} (${entry}), cookie store`, start, 'none')

  describe(`npm run ${script}`, () => {
    it(`runs ${entry}`, () => {
      expect(scripts[script]).toBe(`exec node --import tsx ${entry}`)
    })

    it(`names ${served} on the page`, async () => {
      const runtime = await start()
      try {
        const jar = new CookieJar()
        const page = await (await jar.fetch(`${runtime.url}/`)).text()
        expect(page).toContain(`<h1>sesh counter on ${served}</h1>`)
        expect(await show(jar, runtime.url)).toBe(0)
      } finally {
        await runtime.stop()
      }
    })

    it(`on a busy port, exits 1 naming npm run ${script} and the PORT to set`, async () => {
      const busy = createServer()
      await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
      const { port } = busy.address() as AddressInfo
      try {
        const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
          const env = { ...process.env, NODE_ENV: 'development', ARC_APP_SECRET: SECRET, PORT: String(port), HOST: '127.0.0.1' }
          execFile(process.execPath, ['--import', 'tsx', entry], { cwd: root, env, timeout: 60_000 }, (error, stdout, stderr) => {
            resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, output: `${stdout}${stderr}` })
          })
        })
        expect(code).toBe(1)
        expect(output).toContain(`port ${port} is in use, set PORT (for example PORT=${port + 1} npm run ${script})`)
      } finally {
        await new Promise((resolve) => busy.close(resolve))
      }
    })
  })
}
