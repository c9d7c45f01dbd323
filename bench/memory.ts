/**
 * Part of `npm run bench`: memory. Heap held per session by the memory store,
 * and heap left behind by many requests through the cookie store (no growth
 * expected: the engine keeps nothing per request).
 * Targets: < 2 KB per small memory-store session; < 1 MB retained after 20,000
 * cookie-store requests.
 */
import { createSessions, memoryStore, type Sessions } from '../src/index.js'

const SECRET = 'abcdefghijklmnopqrstuvwxyz0123456789'
const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error('run with node --expose-gc')

function heap(): number {
  gc!()
  gc!()
  return process.memoryUsage().heapUsed
}

async function oneRequest(engine: Sessions, cookie?: string, write = true): Promise<string | undefined> {
  const session = await engine.load(new Request('http://localhost/', cookie ? { headers: { cookie } } : {}))
  const count = ((await session.get('count')) as number | undefined) ?? 0
  if (write) session.set('count', count + 1)
  const setCookie = await engine.save(session)
  return setCookie?.split(';')[0] ?? cookie
}

const store = memoryStore({ maxEntries: 100_000 })
const memoryEngine = createSessions({ secret: SECRET, store })
const before = heap()
const sessions = 20_000
for (let i = 0; i < sessions; i++) await oneRequest(memoryEngine)
const perSession = (heap() - before) / sessions
console.log(`memory store: ${store.size} sessions, ${perSession.toFixed(0)} bytes of heap each (target < 2048)`)

const cookieEngine = createSessions({ secret: SECRET })
let cookie = await oneRequest(cookieEngine)
for (let i = 0; i < 2_000; i++) cookie = await oneRequest(cookieEngine, cookie, i % 2 === 0) // warm up
const start = heap()
for (let i = 0; i < 20_000; i++) cookie = await oneRequest(cookieEngine, cookie, i % 2 === 0)
const retained = heap() - start
console.log(`cookie store: ${(retained / 1024).toFixed(0)} KB retained after 20,000 requests (target < 1024 KB)`)

if (perSession >= 2048 || retained >= 1024 * 1024) {
  console.error('memory target missed')
  process.exitCode = 1
}
