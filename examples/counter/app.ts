/**
 * The counter: one app, run unchanged on Node, AWS Lambda and Cloudflare Workers.
 * GET / shows the count; POST /count adds one; POST /reset ends the session;
 * POST /start starts a session at the current count (for a WebSocket, which
 * cannot set a cookie). Each runtime's entry adds `GET /ws` with its own
 * `upgradeWebSocket` and {@link counterSocket}; the page offers counting over
 * it only where that works: the app serves `GET /ws` and keeps sessions in a
 * server-side store. Under the cookie store (`npm start`) it says why not and
 * names the scripts that keep sessions on a server.
 */
import { type Context, Hono } from 'hono'
import { SessionError, type SessionEnv, type SessionMiddlewareOptions, sessionSocket, sessions } from 'seshjs'

/** The counter's session data. */
export type CounterData = { count: number }

/** Where the count is kept, for the page: a store's description, or a function of the runtime's bindings giving one. */
export type StoreLabel<Bindings> = string | ((env: Bindings) => string | undefined)

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#222}
form{display:inline}button{font:inherit;padding:.4rem .9rem;margin:0 .4rem .4rem 0;border:1px solid #888;border-radius:.4rem;background:#f4f4f4;cursor:pointer}
button:hover{background:#e8e8e8}#count button{font-weight:600;min-width:7rem}.note{color:#555;font-size:.9rem}#ws-status:empty{display:none}`

// Opens /ws on the first click (after POST /start, so the session exists: a socket cannot set a cookie),
// sends "count", and shows the reply on the Count button; a 4401 close means the session ended.
const SCRIPT = `const countButton = document.querySelector('#count button');
const status = document.getElementById('ws-status');
let socket;
function connect() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/ws');
    ws.onopen = () => resolve(ws);
    ws.onmessage = (event) => {
      const reply = JSON.parse(event.data);
      if (typeof reply.count === 'number') countButton.textContent = 'Count ' + reply.count;
      else status.textContent = reply.error;
    };
    ws.onclose = (event) => {
      socket = undefined;
      if (event.code === 4401) status.textContent = 'The session ended, so the server closed the socket (4401). Click again for a new one.';
      reject(new Error('closed'));
    };
  });
}
document.getElementById('ws').addEventListener('click', async () => {
  status.textContent = '';
  socket ??= fetch('/start', { method: 'POST' }).then(connect);
  try {
    (await socket).send('count');
  } catch {
    socket = undefined;
  }
});`

/**
 * What the page offers for the WebSocket, where the app serves `GET /ws`: the
 * button (with a server-side store), or a note saying why the cookie store
 * cannot count over a socket; nothing on a runtime without `GET /ws`.
 */
export type SocketOffer = 'button' | 'cookie-store' | 'none'

/** Under the cookie store: why there is no WebSocket button, and where to see one. */
export const COOKIE_STORE_SOCKET_NOTE =
  'Counting over a WebSocket needs a server-side store: a socket can read this encrypted cookie but can never set a new one, ' +
  'so it could not save the count. To count over a WebSocket, run <code>npm run start:redis</code> (sessions in Redis) or ' +
  '<code>npm run start:dynamo</code> (sessions in DynamoDB); on Workers, keep them in KV (<code>ARC_SESSION_TABLE_NAME=SESSIONS</code>), in Durable Objects (<code>ARC_SESSION_TABLE_NAME=SESSIONS_DO</code>) or in D1 (<code>ARC_SESSION_TABLE_NAME=SESSIONS_DB</code>).'

function socketPart(offer: SocketOffer): string {
  if (offer === 'button') return '<button type="button" id="ws">Count over WebSocket</button>\n<p id="ws-status" role="status"></p>\n'
  if (offer === 'cookie-store') return `<p class="note" id="ws-note">${COOKIE_STORE_SOCKET_NOTE}</p>\n`
  return ''
}

/**
 * The page: two plain forms, and what {@link SocketOffer} says about the WebSocket.
 *
 * @param count the count to show
 * @param where where the session is kept, in words
 * @param socket the button, the cookie store's note, or nothing
 * @param served the framework or runtime serving it, named in the heading ("Express", "Bun")
 */
export function renderPage(count: number, where: string, socket: SocketOffer = 'none', served?: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sesh counter</title>
<style>${STYLE}</style>
</head>
<body>
<h1>sesh counter${served ? ` on ${served}` : ''}</h1>
<p>The count lives in your session, kept ${where}.${socket !== 'button' ? '' : ' Counting over HTTP posts a form; counting over a WebSocket saves the session by id, which only a server-side store allows.'}</p>
<form method="post" action="/count" id="count">
  <button type="submit">Count ${count}</button>
</form>
<form method="post" action="/reset">
  <button type="submit">Reset</button>
</form>
${socketPart(socket)}<p class="note">Logging in and out, flash messages and CSRF: the login example, <code>npm run start:architect</code> (<code>docs/examples.md</code> and <code>docs/architect.md</code> in <a href="https://www.npmjs.com/package/seshjs#documentation">the sesh documentation</a>).</p>
${socket === 'button' ? `<script type="module">${SCRIPT}</script>` : ''}
</body>
</html>
`
}

/**
 * Where the count is kept, in words, for {@link renderPage}.
 *
 * @param label the store's description, or a function of the bindings giving one
 * @param env the runtime's bindings
 * @param id the session's id (`undefined`: the cookie store)
 */
export function describeStore<Bindings>(label: StoreLabel<Bindings> | undefined, env: Bindings, id: string | undefined): string {
  const named = typeof label === 'function' ? label(env) : label
  if (named) return `in ${named}; your cookie holds only its signed id`
  return id === undefined ? 'in your cookie, encrypted (the cookie store)' : 'in a server-side store; your cookie holds only its signed id'
}

/**
 * The counter app.
 *
 * @param options session options, or a function of the runtime's bindings returning them
 * @param store where sessions are kept, for the page (default: "cookie" or "a server-side store")
 * @param served the runtime serving it, named on the page ("Node", "Bun")
 */
export function createCounterApp<Bindings extends object = object>(
  options: SessionMiddlewareOptions | ((env: Bindings) => SessionMiddlewareOptions) = {},
  store?: StoreLabel<Bindings>,
  served?: string,
) {
  const app = new Hono<SessionEnv<CounterData, Bindings>>()
  app.use(sessions<CounterData, Bindings>(options))

  // Whether the runtime's entry added GET /ws (after this function returned, so asked at request time).
  const servesSocket = () => app.routes.some((route) => route.path === '/ws' && route.method === 'GET')

  app.get('/', async (c) => {
    const session = c.get('session')
    const count = (await session.get('count')) ?? 0
    const cookieStore = session.id === undefined // a server-side store gives even a new session an id
    const socket: SocketOffer = !servesSocket() ? 'none' : cookieStore ? 'cookie-store' : 'button'
    c.header('cache-control', 'no-store')
    return c.html(renderPage(count, describeStore(store, c.env, session.id), socket, served))
  })

  app.post('/count', async (c) => {
    const session = c.get('session')
    session.set('count', ((await session.get('count')) ?? 0) + 1)
    return c.redirect('/', 302)
  })

  app.post('/start', async (c) => {
    const session = c.get('session')
    session.set('count', (await session.get('count')) ?? 0) // an unchanged session is not rewritten
    return c.body(null, 204)
  })

  app.post('/reset', (c) => {
    c.get('session').destroy()
    return c.redirect('/', 302)
  })

  return app
}

const reply = (message: { count: number } | { error: string }) => JSON.stringify(message)

/**
 * The counter's WebSocket (`GET /ws`), for any runtime's `upgradeWebSocket`.
 * On open it sends `{"count":N}`; the message `count` re-reads the session,
 * adds one, saves it by id and replies `{"count":N+1}` — or `{"error":…}` with
 * the cookie store, which a socket cannot write. A socket whose session ended
 * (POST /reset) is closed with code 4401 on its next message.
 *
 * @param c the upgrade request's context
 */
export function counterSocket(c: Context) {
  return sessionSocket<CounterData>(c, {
    async open(socket, ws) {
      ws.send(reply({ count: (await socket.session.get('count')) ?? 0 }))
    },
    async message(event, socket, ws) {
      if (event.data !== 'count') return ws.send(reply({ error: 'unknown message: send "count"' }))
      const { session } = socket
      if (!socket.started && session.id !== undefined) {
        return ws.send(reply({ error: 'no session to count in: a socket cannot set a cookie, so start one over HTTP first (POST /start)' }))
      }
      const count = ((await session.get('count')) ?? 0) + 1
      session.set('count', count)
      try {
        await socket.save()
      } catch (error) {
        if (error instanceof SessionError && error.code === 'ERR_SESSION_SERVER_STORE_REQUIRED')
          return ws.send(reply({ error: error.message }))
        throw error
      }
      ws.send(reply({ count }))
    },
  })
}
