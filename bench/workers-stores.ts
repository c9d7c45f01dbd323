/**
 * Workers KV, Durable Objects (`seshjs/durable-objects`) and D1 side by side
 * in local workerd (Miniflare): the latency of a session read, write and
 * renewal, each run N times in a row inside one Worker request, in
 * milliseconds per call (wall time, from here); and the Durable Object
 * listing by user over 1 and 16 shards.
 * Local numbers: storage is a local SQLite file and every "network" hop a
 * local socket, so they compare the stores' own overhead, not Cloudflare's
 * network (see docs/stores.md for what it means there).
 *
 * `node --import tsx bench/workers-stores.ts`
 */
import { Miniflare } from 'miniflare'
import { bundleWorker } from '../test/workerd.js'

const N = Number(process.env.BENCH_N ?? 300)
const script = await bundleWorker(new URL('./fixtures/workers-stores-worker.ts', import.meta.url))
const mf = new Miniflare({
  modules: true,
  script,
  compatibilityDate: '2026-04-01',
  kvNamespaces: ['SESSIONS'],
  d1Databases: ['DB'],
  durableObjects: { SESSIONS_DO: { className: 'Sessions', useSQLite: true } },
})

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!

/** Milliseconds per operation: the wall time of a request running it N times, less an empty one's, median of 5. */
async function perOp(query: string, n: number): Promise<number> {
  const timed = async (q: string) => {
    const started = performance.now()
    await (await mf.dispatchFetch(`http://bench/?${q}`)).text()
    return performance.now() - started
  }
  const runs: number[] = []
  for (let i = 0; i < 5; i++) runs.push(((await timed(`${query}&n=${n}`)) - (await timed('op=noop&n=1'))) / n)
  return Math.round(median(runs) * 1000) / 1000
}

try {
  const rows: Record<string, { 'ms per call': number }> = {}
  for (const op of ['do-write', 'do-read', 'do-touch', 'kv-write', 'kv-read', 'd1-write', 'd1-read']) {
    await perOp(`op=${op}`, 20) // warm up
    rows[op] = { 'ms per call': await perOp(`op=${op}`, N) }
  }
  for (const shards of [1, 16]) {
    rows[`do-list-by-user (${shards} shard${shards > 1 ? 's' : ''})`] = {
      'ms per call': await perOp(`op=do-list-by-user&shards=${shards}`, 50),
    }
  }
  console.table(rows)
} finally {
  await mf.dispose()
}
