/**
 * A regenerate() whose decisive step fails on DynamoDB: the new item written
 * first is deleted again, the request gets the store error, and the old
 * session is left as it was. A fake DynamoDB (`DynamoCall`) decides each answer.
 */
import { describe, expect, it } from 'vitest'
import { createSessions, SessionStoreUnavailableError } from 'seshjs'
import { dynamoSessionStore } from '../../src/stores/dynamodb/store.js'
import type { DynamoCall } from '../../src/stores/dynamodb/call.js'
import { CookieJar, manualClock, SECRET } from '../helpers.js'

describe('DynamoDB: a regenerate() that fails half-way', () => {
  it('deletes the new item, raises the store error and leaves the old session', async () => {
    const items = new Map<string, Record<string, unknown>>()
    const calls: string[] = []
    let failForward = false
    const call: DynamoCall = async (operation, input) => {
      const key = (input.Key as { _idx: { S: string } } | undefined)?._idx.S ?? (input.Item as { _idx: { S: string } })._idx.S
      calls.push(`${operation}${input.ConditionExpression ? ' (conditional)' : ''}`)
      if (operation === 'GetItem') return items.has(key) ? { Item: items.get(key) } : {}
      if (operation === 'PutItem') {
        if (input.ConditionExpression && failForward) throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' })
        items.set(key, input.Item as Record<string, unknown>)
        return {}
      }
      if (operation === 'DeleteItem') {
        items.delete(key)
        return {}
      }
      throw new Error(`unexpected ${operation}`)
    }
    const clock = manualClock()
    const engine = createSessions({ secret: SECRET, store: dynamoSessionStore({ table: 't', call }), now: clock.now })
    const jar = new CookieJar()
    const request = () => new Request('http://localhost/', { headers: jar.cookies.size ? { cookie: jar.header() } : {} })
    const first = await engine.load(request())
    first.set('user', 'ada')
    jar.take(await engine.commit(first, new Response()))
    const oldId = first.id!

    failForward = true
    calls.length = 0
    const login = await engine.load(request())
    await login.load()
    login.regenerate()
    const newId = login.id!
    await expect(engine.commit(login, new Response())).rejects.toBeInstanceOf(SessionStoreUnavailableError)
    expect(calls).toEqual(['GetItem', 'PutItem', 'PutItem (conditional)', 'DeleteItem'])
    expect(items.has(newId)).toBe(false)
    expect([...items.keys()]).toEqual([oldId])
    failForward = false
    expect(await (await engine.load(request())).get('user')).toBe('ada') // the visitor stays as they were
  })
})
