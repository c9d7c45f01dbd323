/**
 * The TypeScript blocks of README.md and docs/*.md, as files a compiler can check.
 *
 * Every ```ts block is a module of its own. A hidden comment right above a block,
 * `<!-- ts-prelude: declare const app: Hono -->`, is put in front of it, for a
 * block that continues an earlier one; readers do not see it.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export interface Snippet {
  /** `README.md` or `docs/<page>.md`. */
  doc: string
  /** The 1-based line in the document of the block's first code line. */
  line: number
  /** The code, prelude first. */
  code: string
  /** How many lines the prelude adds in front of the block. */
  preludeLines: number
}

/** The documents whose blocks are checked, relative to the repository root. */
export function documents(root: string): string[] {
  const docs = readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md'))
  return ['README.md', ...docs.sort().map((name) => `docs/${name}`)]
}

/** Every ```ts block of one markdown document. */
export function snippetsOf(doc: string, markdown: string): Snippet[] {
  const lines = markdown.split('\n')
  const snippets: Snippet[] = []
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)```(\w*)\s*$/.exec(lines[i] ?? '')
    if (!fence) continue
    const indent = fence[1] ?? ''
    const end = lines.findIndex((l, j) => j > i && l.trimEnd() === `${indent}\`\`\``)
    if (end < 0) throw new Error(`${doc}:${i + 1}: unclosed code block`)
    if (fence[2] === 'ts' || fence[2] === 'typescript') {
      const prelude = /^\s*<!--\s*ts-prelude:\s*([\s\S]*?)\s*-->\s*$/.exec(lines[i - 1] ?? '')?.[1]
      const preludeText = prelude ? `${prelude}\n` : ''
      const body = lines.slice(i + 1, end).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
      snippets.push({
        doc,
        line: i + 2,
        code: `${preludeText}${body.join('\n')}\n`,
        preludeLines: prelude ? prelude.split('\n').length : 0,
      })
    }
    i = end
  }
  return snippets
}

/** Every ```ts block of README.md and docs/*.md. */
export function allSnippets(root: string): Snippet[] {
  return documents(root).flatMap((doc) => snippetsOf(doc, readFileSync(join(root, doc), 'utf8')))
}
