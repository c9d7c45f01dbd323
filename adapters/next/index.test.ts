/** seshjs/next's middleware and cookie mapping, driven with real NextRequests (getSession/commit need Next's request scope: test/next). */
import { NextRequest, NextResponse } from 'next/server.js'
import { describe, expect, it } from 'vitest'
import { manualClock, SECRET, unavailableStore } from '../../test/helpers.js'
import { forwardCookieHeader, nextSessions, toNextCookie } from './index.js'

const pair = (line: string) => line.split(';')[0]!

describe('toNextCookie', () => {
  it('reads a Set-Cookie line into the options of cookies().set(), keeping Max-Age=0 and sesh’s SameSite spelling', () => {
    expect(toNextCookie('_idx=a%2Bb.c; Max-Age=604800; Domain=example.com; Path=/; HttpOnly; Secure; SameSite=Lax; Partitioned')).toEqual({
      name: '_idx',
      value: 'a+b.c',
      maxAge: 604800,
      domain: 'example.com',
      path: '/',
      httpOnly: true,
      secure: true,
      sameSite: 'Lax',
      partitioned: true,
    })
    expect(toNextCookie('_idx=; Max-Age=0; Path=/')).toEqual({ name: '_idx', value: '', maxAge: 0, path: '/' })
  })
})

describe('forwardCookieHeader', () => {
  it('replaces the cookies the lines set, removes those they expire, keeps the others', () => {
    expect(forwardCookieHeader('a=1; _idx=old; _idx.1=x; b=2', ['_idx=new%2B; Path=/', '_idx.1=; Max-Age=0'])).toBe('a=1; b=2; _idx=new%2B')
    expect(forwardCookieHeader(null, ['_idx=v; Path=/'])).toBe('_idx=v')
  })
})

describe('middleware()', () => {
  it('hands a new cookie on to the render (the forwarded request) and to the browser', async () => {
    const { middleware, sessions } = nextSessions<{ n: number }>({ secret: SECRET })
    const response = await middleware((session) => session.set('n', 1))(
      new NextRequest('http://localhost/', { headers: { cookie: 'other=1' } }),
    )
    const [line] = response.headers.getSetCookie()
    expect(line).toMatch(/^_idx=[^;]+;.*HttpOnly/)
    expect(response.headers.get('x-middleware-override-headers')).toContain('cookie')
    const forwarded = response.headers.get('x-middleware-request-cookie')!
    expect(forwarded).toBe(`other=1; ${pair(line!)}`)
    expect(await sessions.open({ header: forwarded }).get('n')).toBe(1)
  })

  it('renews a session whose renewal is due, and writes nothing before', async () => {
    const clock = manualClock()
    const { middleware, sessions } = nextSessions<{ n: number }>({ secret: SECRET, now: clock.now, touchAfter: 60 })
    const session = sessions.open(undefined)
    session.set('n', 1)
    const cookie = pair((await sessions.saveCookie(session))!.header)
    const pass = middleware()
    const early = await pass(new NextRequest('http://localhost/', { headers: { cookie } }))
    expect(early.headers.getSetCookie()).toEqual([])
    expect(early.headers.get('x-middleware-next')).toBe('1')
    clock.advance(61)
    const due = await pass(new NextRequest('http://localhost/', { headers: { cookie } }))
    const [line] = due.headers.getSetCookie()
    expect(pair(line!)).not.toBe(cookie)
    expect(await sessions.open({ header: due.headers.get('x-middleware-request-cookie') }).get('n')).toBe(1)
  })

  it('puts the cookie on the handler’s own response (a redirect)', async () => {
    const { middleware } = nextSessions<{ n: number }>({ secret: SECRET })
    const response = await middleware((session) => {
      session.set('n', 2)
      return NextResponse.redirect('http://localhost/login')
    })(new NextRequest('http://localhost/'))
    expect(response.status).toBe(307)
    expect(response.headers.getSetCookie()[0]).toMatch(/^_idx=/)
    const plain = await middleware((session) => {
      session.set('n', 3)
      return new Response('no', { status: 403 })
    })(new NextRequest('http://localhost/'))
    expect(plain.headers.getSetCookie()[0]).toMatch(/^_idx=/)
  })
})

describe('nextSessions()', () => {
  it('makes its engine on first use, so `next build` imports it without the production secret', async () => {
    const sessions = nextSessions({ env: { NODE_ENV: 'production' } }) // as in `next build`: production, no secret
    await expect(sessions.middleware()(new NextRequest('http://localhost/'))).rejects.toMatchObject({ code: 'ERR_SESSION_SECRET' })
    expect(() => sessions.sessions).toThrow(/secret/)
  })
})

describe('middleware() and a store outage', () => {
  it('answers 503 with Retry-After, and writes nothing', async () => {
    const store = unavailableStore()
    const { middleware } = nextSessions({ secret: SECRET, store })
    const response = await middleware()(new NextRequest('http://localhost/', { headers: { cookie: '_idx=some.id' } }))
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBe('5')
    expect(response.headers.getSetCookie()).toEqual([])
    expect(store.write).not.toHaveBeenCalled()
  })
})
