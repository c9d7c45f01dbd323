/**
 * Every deploy command the docs, examples and `seshjs --help` texts name
 * exists: Architect's CLI is `npx @architect/architect …` (its package), never
 * `npx arc …`, which fetches an unrelated npm package named `arc`.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const HERE = 'test/package/commands.test.ts'

describe('deploy commands', () => {
  it('no tracked doc, manifest or help text says `npx arc` or a bare `arc deploy` / `arc env`', () => {
    const files = execFileSync('git', ['ls-files', '-z', '*.md', '*.arc', '*.ts', '*.js', '*.json', '*.toml'], {
      cwd: root,
      encoding: 'utf8',
    })
      .split('\0')
      .filter((file) => file && file !== HERE)
    const found: string[] = []
    for (const file of files) {
      let text: string
      try {
        text = readFileSync(`${root}${file}`, 'utf8')
      } catch {
        continue // deleted in the work tree
      }
      text.split('\n').forEach((line, i) => {
        if (/\bnpx arc\b|(^|[^/\w@-])arc (deploy|env|sandbox)\b/.test(line)) found.push(`${file}:${i + 1}: ${line.trim()}`)
      })
    }
    expect(found).toEqual([])
  })
})
