/**
 * Part of `npm run bench`: sesh side by side with its peers, over real HTTP on
 * loopback. Each variant is a Hono app on @hono/node-server in its own child
 * process (bench/peers/server.ts); autocannon drives it (10 connections) in
 * alternating rounds, and the server's own CPU time (process.cpuUsage) divided by
 * the requests served gives CPU µs per request. The floor is Hono with no
 * sessions; "Δ" is what the session layer adds, taken in each round against the
 * floor measured seconds before or after it. Medians over the rounds.
 *
 * Where `taskset` is available (Linux) with two CPUs or more, the servers run on
 * the last CPU and autocannon on the others, so the load generator neither
 * competes with the server it measures nor evicts its caches (BENCH_PIN=0: off).
 *
 * BENCH_ROUNDS (default 10) and BENCH_SECONDS (per measurement, default 1) bound it:
 * many short alternating rounds, so a machine that speeds up or slows down
 * meanwhile shifts every variant alike. BENCH_RATE sets the request rate (default
 * 2,000/s, the same for all; 0 = unthrottled); BENCH_VARIANTS=a,b limits the variants.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
// @ts-expect-error autocannon ships no types (and @types/autocannon is not installed)
import autocannonUntyped from 'autocannon'
import { buildDist } from '../scripts/build-dist.js'

interface AutocannonResult {
  errors: number
  non2xx: number
  requests: { total: number; average: number }
}
const autocannon = autocannonUntyped as (options: {
  url: string
  connections: number
  duration: number
  overallRate?: number
  headers: Record<string, string>
  requests?: { setupRequest(request: { headers: Record<string, string> }): object }[]
}) => Promise<AutocannonResult>

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1)
const CONNECTIONS = 10
/**
 * Requests per second, the same for every variant (0: as fast as each goes). A fixed
 * rate keeps the comparison fair: a server's CPU per request falls as its throughput
 * rises (more requests per event-loop turn), which would flatter the fastest.
 */
const RATE = Number(process.env.BENCH_RATE ?? 2000)

/** The CPUs for the servers (`taskset` list syntax), after moving this process to the others; undefined when not pinning. */
function pinCpus(): string | undefined {
  const count = cpus().length
  if (process.env.BENCH_PIN === '0' || process.platform !== 'linux' || count < 2) return undefined
  const pin = (list: string, pid: number) =>
    spawnSync('taskset', ['--all-tasks', '--cpu-list', '--pid', list, String(pid)], { stdio: 'ignore' }).status === 0
  if (!pin(`0-${count - 2}`, process.pid)) return undefined // no taskset here
  return String(count - 1)
}
const serverCpus = pinCpus()
// The servers import the package as users do ('seshjs', i.e. dist/): build it if missing or stale.
buildDist()
const ALL = [
  'hono',
  'sesh-cookie-node',
  'sesh-memory-node',
  'sesh-cookie-webcrypto',
  'sesh-memory-webcrypto',
  'hono-session',
  'iron-session',
] as const
const LABELS: Record<string, string> = {
  hono: 'Hono, no sessions (floor: whole request)',
  'sesh-cookie-node': 'sesh, cookie store, node:crypto (Node default)',
  'sesh-memory-node': 'sesh, memory store, node:crypto (Node default)',
  'sesh-cookie-webcrypto': "sesh, cookie store, WebCrypto + jose (crypto: 'webcrypto')",
  'sesh-memory-webcrypto': "sesh, memory store, WebCrypto + jose (crypto: 'webcrypto')",
  'hono-session': '@hono/session 0.2 (JWE cookie)',
  'iron-session': 'iron-session 8 (sealed cookie)',
}
const variants = process.env.BENCH_VARIANTS ? process.env.BENCH_VARIANTS.split(',') : [...ALL]
/**
 * `read`: one user's cookie on every request (a browser sends the same cookie until
 * the session changes). `users`: the same route, each request with the next of
 * USERS sessions in turn — more than sesh remembers as recently opened, so every
 * cookie is opened afresh. `write`: reads and changes the session.
 */
const scenarios = ['read', 'users', 'write'] as const
type Scenario = (typeof scenarios)[number]
const USERS = Number(process.env.BENCH_USERS ?? 1000)
/** What the users scenario is: with fewer than the 1,000 tokens sesh may remember, some cookies are remembered. */
const FRESH = USERS >= 1000 ? 'each new to the process' : 'fewer than sesh remembers: not every one new to the process'

interface Server {
  name: string
  child: ChildProcess
  url: string
  cookie: string
  /** USERS sessions' cookies, for the `users` scenario. */
  pool: string[]
}

async function start(name: string): Promise<Server> {
  const child = fork(fileURLToPath(new URL('./peers/server.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, VARIANT: name, PORT: '0', NODE_ENV: 'production', ...(serverCpus ? { BENCH_SERVER_CPUS: serverCpus } : {}) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port))
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)))
  })
  const url = `http://127.0.0.1:${port}`
  const pool: string[] = []
  for (let i = 0; i < (name === 'hono' ? 1 : USERS); i++) {
    const init = await fetch(`${url}/init`)
    const cookie = init.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ')
    if (name !== 'hono' && !cookie) throw new Error(`${name}: /init set no cookie`)
    pool.push(cookie)
  }
  // The sessions must read back (a wrong cookie would make every variant look fast).
  for (const cookie of [pool[0]!, pool.at(-1)!]) {
    const read = await (await fetch(`${url}/read`, { headers: { cookie } })).text()
    if (name !== 'hono' && read !== '1') throw new Error(`${name}: /read gave ${read}, not 1`)
  }
  return { name, child, url, cookie: pool[0]!, pool }
}

const cpu = async (server: Server) => ((await (await fetch(`${server.url}/__cpu`)).json()) as { cpu: number }).cpu

/** One measurement: server CPU µs per request for `scenario`. */
async function measure(server: Server, scenario: Scenario, seconds: number): Promise<{ cpu: number; rps: number }> {
  const before = await cpu(server)
  let next = 0
  const result = await autocannon({
    url: `${server.url}/${scenario === 'users' ? 'read' : scenario}`,
    connections: CONNECTIONS,
    duration: seconds,
    ...(RATE > 0 ? { overallRate: RATE } : {}),
    headers: server.cookie ? { cookie: server.cookie } : {},
    ...(scenario === 'users' && server.cookie
      ? {
          requests: [
            {
              setupRequest: (request: { headers: Record<string, string> }) => ({
                ...request,
                headers: { ...request.headers, cookie: server.pool[next++ % server.pool.length]! },
              }),
            },
          ],
        }
      : {}),
  })
  const after = await cpu(server)
  if (result.errors || result.non2xx) throw new Error(`${server.name} ${scenario}: ${result.errors} errors, ${result.non2xx} non-2xx`)
  return { cpu: (after - before) / result.requests.total, rps: result.requests.average }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

const servers: Server[] = []
try {
  for (const name of variants) servers.push(await start(name))
  console.log(
    `peers: ${servers.length} servers, ${ROUNDS} rounds × ${SECONDS} s × ${scenarios.length} scenarios, ${CONNECTIONS} connections, ` +
      (RATE > 0 ? `${RATE} requests/s each` : 'unthrottled') +
      (serverCpus ? `, servers on CPU ${serverCpus} and autocannon on the others` : ''),
  )
  for (const server of servers) for (const scenario of scenarios) await measure(server, scenario, 1) // warm-up (JIT)

  const samples = new Map<string, number[]>()
  const rates = new Map<string, number[]>()
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? [...servers].reverse() : servers
    for (const scenario of round % 2 ? [...scenarios].reverse() : scenarios) {
      for (const server of order) {
        const { cpu, rps } = await measure(server, scenario, SECONDS)
        const key = `${server.name} ${scenario}`
        samples.set(key, [...(samples.get(key) ?? []), cpu])
        rates.set(key, [...(rates.get(key) ?? []), rps])
      }
    }
    process.stdout.write(`round ${round + 1}/${ROUNDS} done\n`)
  }

  const series = (name: string, scenario: string) => samples.get(`${name} ${scenario}`) ?? [NaN]
  const at = (name: string, scenario: string) => median(series(name, scenario))
  /**
   * Δ in each round: the variant minus the floor measured in the same round, seconds
   * apart — a machine that slows down for a while moves both, and the difference stays.
   */
  const deltas = (name: string, scenario: Scenario) => {
    const floors = series('hono', scenario)
    return series(name, scenario).map((value, round) => value - (floors[round] ?? NaN))
  }
  /** The median of the paired Δs (steadier than the difference of the medians). */
  const delta = (name: string, scenario: Scenario) => median(deltas(name, scenario))
  const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–')
  const ratio = (name: string, scenario: Scenario) =>
    variants.includes('hono-session') && name !== 'hono' ? `${(delta(name, scenario) / delta('hono-session', scenario)).toFixed(2)}` : '–'

  const lines = [
    `Server CPU µs per request (median of ${ROUNDS} rounds; Δ = minus Hono with no sessions in the same round, median; ratio = Δ / @hono/session's Δ;`,
    `read: one user's cookie again and again; users: ${USERS} sessions' cookies in turn, ${FRESH})`,
    '',
    '| | read µs | users µs | write µs | read Δ | users Δ | write Δ | read ratio | users ratio | write ratio | req/s read | req/s users | req/s write |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ]
  for (const name of variants) {
    const isFloor = name === 'hono'
    const cells = [
      ...scenarios.map((scenario) => fmt(at(name, scenario))),
      ...scenarios.map((scenario) => (isFloor ? '–' : fmt(delta(name, scenario)))),
      ...scenarios.map((scenario) => ratio(name, scenario)),
      ...scenarios.map((scenario) => String(Math.round(median(rates.get(`${name} ${scenario}`)!)))),
    ]
    lines.push(`| ${LABELS[name] ?? name} | ${cells.join(' | ')} |`)
  }
  console.log(`\n${lines.join('\n')}\n`)

  if (['hono', 'sesh-cookie-node', 'sesh-memory-node', 'hono-session'].every((v) => variants.includes(v))) {
    // [goal, variant, scenario, the limit in each round]: a fraction of @hono/session's Δ, or the floor itself
    type Goal = [string, string, Scenario, (scenario: Scenario) => number[]]
    const sixth = (scenario: Scenario) => deltas('hono-session', scenario).map((d) => d / 6)
    const quarter = (scenario: Scenario) => deltas('hono-session', scenario).map((d) => d / 4)
    const floorOf = (scenario: Scenario) => series('hono', scenario)
    const report = (title: string, goals: Goal[]) => {
      console.log(title)
      for (const [goal, name, scenario, limits] of goals) {
        const value = delta(name, scenario)
        const limit = median(limits(scenario))
        const each = deltas(name, scenario)
        const rounds = each.filter((d, round) => d <= limits(scenario)[round]!).length
        console.log(
          `${value <= limit ? 'met    ' : 'NOT met'}  ${goal}: ${fmt(value)} µs vs ${fmt(limit)} µs (met in ${rounds} of ${each.length} rounds)`,
        )
      }
    }
    report("Issue 10's goals, measured as in the issue (autocannon sending one user's cookie on every request):", [
      ['cookie store read Δ ≤ 1/6 of @hono/session', 'sesh-cookie-node', 'read', sixth],
      ['cookie store write Δ ≤ 1/4 of @hono/session', 'sesh-cookie-node', 'write', quarter],
      ["memory store read Δ ≤ Hono's own request", 'sesh-memory-node', 'read', floorOf],
    ])
    const thirdOfFloor = (scenario: Scenario) => series('hono', scenario).map((floor) => floor / 3)
    report("Issue 27's goals (cookie store, node:crypto):", [
      [`first-seen cookie (${USERS} users' cookies in turn) read Δ ≤ 1/6 of @hono/session`, 'sesh-cookie-node', 'users', sixth],
      ["cached read Δ ≤ 1/3 of Hono's own request", 'sesh-cookie-node', 'read', thirdOfFloor],
      ['write Δ ≤ 1/4 of @hono/session', 'sesh-cookie-node', 'write', quarter],
    ])
    report(`The same read limits for ${USERS} users' cookies in turn (${FRESH}):`, [
      ['cookie store read Δ ≤ 1/6 of @hono/session', 'sesh-cookie-node', 'users', sixth],
      ["memory store read Δ ≤ Hono's own request", 'sesh-memory-node', 'users', floorOf],
    ])
  }
  console.log(`\n${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString()}`)
} finally {
  for (const server of servers) server.child.kill()
}
