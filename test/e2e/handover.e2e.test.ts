/**
 * One session across runtimes: with the same secret, a cookie set by the Node
 * server is read and continued by the Worker (workerd) and by the Lambda
 * under Architect's sandbox, and back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CookieJar, SECRET } from '../helpers.js'
import { count, show } from './counter-suite.js'
import { type Runtime, startLambda, startNode, startWorker } from './runtimes.js'

describe('one session across Node, Workers and Lambda', () => {
  let node: Runtime
  let worker: Runtime
  let lambda: Runtime
  beforeAll(async () => {
    ;[node, worker, lambda] = await Promise.all([
      startNode({ ARC_APP_SECRET: SECRET }),
      startWorker({ ARC_APP_SECRET: SECRET }),
      startLambda({ ARC_APP_SECRET: SECRET }),
    ])
  })
  afterAll(async () => {
    await Promise.all([node?.stop(), worker?.stop(), lambda?.stop()])
  })

  it('carries the count Node → Worker → Lambda → Node', async () => {
    const jar = new CookieJar() // one jar: the same cookie goes to every runtime
    expect(await count(jar, node.url)).toBe(1)
    expect(await show(jar, worker.url)).toBe(1)
    expect(await count(jar, worker.url)).toBe(2)
    expect(await show(jar, lambda.url)).toBe(2)
    expect(await count(jar, lambda.url)).toBe(3)
    expect(await show(jar, node.url)).toBe(3)
    expect(await count(jar, node.url)).toBe(4)
  })

  it('carries the count Lambda → Worker → Node, and a reset on one is seen on the others', async () => {
    const jar = new CookieJar()
    expect(await count(jar, lambda.url)).toBe(1)
    expect(await count(jar, worker.url)).toBe(2)
    expect(await count(jar, node.url)).toBe(3)
    await jar.fetch(`${worker.url}/reset`, { method: 'POST' })
    expect(jar.cookies.size).toBe(0)
    expect(await show(jar, lambda.url)).toBe(0)
    expect(await show(jar, node.url)).toBe(0)
  })
})
