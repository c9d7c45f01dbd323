/**
 * Repository hygiene a newcomer meets on the first `npm install` and `npm pack`:
 * the lockfile's root entry says what package.json says (else the first
 * install rewrites it), and packed tarballs are not offered to git.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const json = (file: string) => JSON.parse(readFileSync(`${root}${file}`, 'utf8')) as Record<string, unknown>

describe('the repository', () => {
  it("keeps package-lock.json's root entry in step with package.json (dependencies, peers, engines, bin)", () => {
    const pkg = json('package.json')
    const lock = (json('package-lock.json').packages as Record<string, Record<string, unknown>>)['']!
    for (const field of [
      'name',
      'version',
      'dependencies',
      'devDependencies',
      'peerDependencies',
      'peerDependenciesMeta',
      'engines',
      'license',
    ]) {
      expect(lock[field], field).toEqual(pkg[field])
    }
    const bin = Object.entries(pkg.bin as Record<string, string>).map(([name, path]) => [name, path.replace(/^\.\//, '')]) // npm writes it without ./
    expect(lock.bin).toEqual(Object.fromEntries(bin))
  })

  it('ignores packed tarballs', () => {
    expect(readFileSync(`${root}.gitignore`, 'utf8').split('\n')).toContain('*.tgz')
  })
})
