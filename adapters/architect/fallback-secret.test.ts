import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createSessions, memoryStore } from 'seshjs'
import { CookieJar, manualClock, SECRET } from '../../test/helpers.js'
import { fallbackSigning } from './fallback-secret.js'

const request = (cookie?: string) => new Request('http://localhost/', cookie ? { headers: { cookie } } : {})

function architectSignature(secret: string, id: string): string {
  return createHmac('sha256', secret).update(id).digest('base64').replace(/=+$/, '')
}

describe('fallbackSigning', () => {
  it('signs ids with the fallback secret on writes and on in-place renewals alike', async () => {
    const clock = manualClock()
    const engine = createSessions({ secret: SECRET, store: fallbackSigning(memoryStore(), 'my-app'), now: clock.now })
    const jar = new CookieJar()
    const first = await engine.load(request())
    first.set('n', 1)
    jar.take(await engine.commit(first, new Response()))
    const [id, signature] = decodeURIComponent(jar.cookies.get('_idx')!).split('.')
    expect(signature).toBe(architectSignature('my-app', id!))

    clock.advance(2 * 60 * 60) // renewal due: the store renews in place (touch)
    const reader = await engine.load(request(jar.header()))
    expect(await reader.get('n')).toBe(1)
    const renewed = await engine.commit(reader, new Response())
    jar.take(renewed)
    expect(renewed.headers.get('set-cookie')).toMatch(/^_idx=/)
    expect(decodeURIComponent(jar.cookies.get('_idx')!)).toBe(`${id}.${architectSignature('my-app', id!)}`)
    expect(await (await engine.load(request(jar.header()))).get('n')).toBe(1)
  })
})
