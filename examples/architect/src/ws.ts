/**
 * The Architect example's WebSocket (`@ws` in app.arc), written with
 * `seshjs/architect`'s `ws()`: each event's handler gets `req.session`, the
 * session of the browser that opened the socket.
 *
 * - `connect` refuses visitors who are not logged in (401);
 * - `default`: `whoami` replies `{"user":"admin"}`; `count` adds one to the
 *   session's count (saved by id, so the next `GET /` shows it) and replies
 *   `{"count":N}`. After `POST /logout`, the next message gets
 *   `{"error":"session ended"}` and the socket is closed (`ws()` does that).
 * - `disconnect`: `ws()` forgets the connection.
 *
 * Replies go through Architect's own `ws.send` (`@architect/functions`).
 */
import { ws } from 'seshjs/architect'

type Session = { count?: number; user?: string }

/** $connect */
export const connect = ws<Session>(async (req) => (req.session.user ? undefined : { statusCode: 401 }))

/** $default */
export const message = ws<Session>(async (req) => {
  if (!req.session.user) return { reply: { error: 'not logged in' } }
  if (req.body === 'whoami') return { reply: { user: req.session.user } }
  if (req.body === 'count') {
    const count = (req.session.count ?? 0) + 1
    return { session: { ...req.session, count }, reply: { count } } // saved, then sent
  }
  return { reply: { error: 'unknown message: send "whoami" or "count"' } }
})

/** $disconnect */
export const disconnect = ws<Session>(async () => undefined)
