/**
 * In-process use beside Architect's sandbox (an app's test suite that starts
 * the sandbox and calls its handlers directly): `ARC_ENV=testing`, no
 * `ARC_SANDBOX`, a session table. Architect finds the sandbox's SSM service on
 * its default port and the DynamoDB port through it; so does sesh, and each
 * reads the sessions the other writes. The script runs in its own network
 * namespace (`unshare -n`), where the default ports are free.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

it('finds the sandbox table and its DynamoDB as Architect does, and shares its sessions', () => {
  const run = spawnSync(
    'unshare',
    ['-n', 'sh', '-c', `ip link set lo up && exec "${process.execPath}" --import tsx test/architect/fixtures/in-process-sandbox.ts`],
    { cwd: root, encoding: 'utf8', timeout: 50_000 },
  )
  const line = run.stdout.trim().split('\n').at(-1) ?? ''
  expect(run.status, run.stderr).toBe(0)
  const { seshRead, arcRead, status } = JSON.parse(line)
  expect(status).toBe(200)
  expect(seshRead).toMatchObject({ from: 'architect', _idx: expect.any(String), _secret: expect.any(String) })
  expect(arcRead).toMatchObject({ from: 'sesh', _idx: expect.any(String), _secret: expect.any(String) })
}, 60_000)
