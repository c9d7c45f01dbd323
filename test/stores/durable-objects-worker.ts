/**
 * The test Worker of `seshjs/durable-objects` (fixtures/do-worker.ts) in real
 * workerd (Miniflare 4), on a local port, and a namespace over its `POST /rpc`
 * bridge so that `durableObjectStore()` can run in Node against its objects.
 */
import { Miniflare } from 'miniflare'
import type { DurableObjectNamespaceLike } from 'seshjs/durable-objects'
import { freePort } from '../../scripts/free-port.js'
import { SECRET } from '../helpers.js'
import { bundleWorker } from '../workerd.js'

/** The running test Worker. */
export interface DurableObjectWorker {
  mf: Miniflare
  url: string
  /** A namespace whose stubs call the Worker's objects over `POST /rpc`; `calls` counts them. */
  namespace(binding: 'SESSIONS_DO' | 'FAULTY' | 'LEGACY'): DurableObjectNamespaceLike
  calls(): number
}

/** Starts the test Worker. */
export async function startDurableObjectWorker(): Promise<DurableObjectWorker> {
  const script = await bundleWorker(new URL('./fixtures/do-worker.ts', import.meta.url))
  const mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: '2026-04-01',
    durableObjects: {
      SESSIONS_DO: { className: 'Sessions', useSQLite: true },
      FAULTY: { className: 'Faulty', useSQLite: true },
      LEGACY: { className: 'Legacy', useSQLite: true },
    },
    bindings: { ARC_APP_SECRET: SECRET },
    host: '127.0.0.1',
    port: await freePort(),
  })
  const url = (await mf.ready).toString().replace(/\/$/, '')
  let calls = 0
  return {
    mf,
    url,
    calls: () => calls,
    namespace: (binding) => ({
      idFromName: (name) => ({ name }),
      get: (id) =>
        new Proxy(
          {},
          {
            get:
              (_, method) =>
              async (...args: unknown[]) => {
                calls++
                const response = await fetch(`${url}/rpc`, {
                  method: 'POST',
                  body: JSON.stringify({ binding, name: (id as { name: string }).name, method, args }),
                })
                if (!response.ok) throw new Error(await response.text())
                return ((await response.json()) as { result: unknown }).result
              },
          },
        ),
    }),
  }
}
