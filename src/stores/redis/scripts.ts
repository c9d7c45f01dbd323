/**
 * The Lua scripts of the Redis store. Each touches exactly one key, so each
 * runs atomically on the node that holds it, on a single server or a cluster.
 *
 * A session is a hash: `data` (the session data as JSON), `expiresAt` (epoch
 * seconds), and, when in use, `createdAt`, `version` (optimistic concurrency)
 * and `user` (the per-user index). The key's own expiry (PEXPIRE) matches
 * `expiresAt`, so Redis drops a session when it ends. A hash rather than one
 * JSON string because sesh needs each session's expiry with its data (its
 * clock is injectable, and the issued-at derives from it): in a JSON string,
 * a renewal would have to rewrite the value; in a hash it changes one field
 * and never touches `data`.
 *
 * A script's first write is one Redis refuses when it is out of memory
 * (`maxmemory` with `noeviction`): HSET or ZADD, not DEL or a removal, which
 * would let the rest of the script write past the limit.
 *
 * @module
 */
import { Script } from './connection.js'

/**
 * Writes a session: sets the hash's fields (dropping the optional ones not
 * given) and its expiry, if the mode allows.
 * KEYS[1] the session; ARGV: mode (`set` always, `live` only over a live
 * session, `absent` only where there is none, `version` only over a live
 * session of that version, a missing version counting as 0; a forward left by
 * {@link MOVE} is never live), now (epoch s),
 * the expected version, the expiry in ms from now, then field/value pairs.
 * Returns 1 when written, 0 when the mode refused.
 */
export const PUT = new Script(`local key, mode = KEYS[1], ARGV[1]
if mode ~= 'set' then
  local stored = redis.pcall('HMGET', key, 'expiresAt', 'version', 'moved')
  local expires = type(stored) == 'table' and not stored.err and stored[1] and tonumber(stored[1])
  local live = expires and expires > tonumber(ARGV[2]) and not stored[3]
  if mode == 'absent' then
    if live then return 0 end
  elseif not live then
    return 0
  elseif mode == 'version' and (stored[2] or '0') ~= ARGV[3] then
    return 0
  end
end
local given = {}
for i = 5, #ARGV, 2 do given[ARGV[i]] = true end
redis.call('HSET', key, unpack(ARGV, 5))
for _, field in ipairs({'createdAt', 'version', 'user'}) do
  if not given[field] then redis.call('HDEL', key, field) end
end
redis.call('PEXPIRE', key, ARGV[4])
return 1`)

/**
 * Renews a live session: moves `expiresAt` and the key's expiry, nothing else.
 * KEYS[1] the session; ARGV: now (epoch s), the new `expiresAt`, the expiry in
 * ms from now. Returns the session's `user` field ('' when none) when renewed,
 * 0 when there is no live session (nothing is created).
 */
export const TOUCH = new Script(`local stored = redis.pcall('HMGET', KEYS[1], 'expiresAt', 'user', 'moved')
local expires = type(stored) == 'table' and not stored.err and stored[1] and tonumber(stored[1])
if not expires or expires <= tonumber(ARGV[1]) or stored[3] then return 0 end
redis.call('HSET', KEYS[1], 'expiresAt', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return stored[2] or ''`)

/**
 * The decisive step of a move (`regenerate()`): ends a live session, leaving
 * a forward (a hash of `moved` and `expiresAt` only) for the grace window,
 * or deleting it when there is none. The new session is written before, and
 * deleted again when this refuses, so the move happens only while the old
 * session is live, and each script still touches one key (a cluster keeps
 * the two ids in different slots).
 * KEYS[1] the old session; ARGV: now (epoch s), the forward's expiry in ms
 * from now ('0': no forward), its `expiresAt`, the version read ('' for no
 * check; a missing version counting as 0). Returns the old session's `user`
 * field ('' when none) when moved, 0 when there was no live session (gone, or
 * already a forward), -1 when its version is not the one read.
 */
export const MOVE = new Script(`local stored = redis.pcall('HMGET', KEYS[1], 'expiresAt', 'moved', 'user', 'data', 'version')
local expires = type(stored) == 'table' and not stored.err and stored[1] and tonumber(stored[1])
if not expires or expires <= tonumber(ARGV[1]) or stored[2] or not stored[4] then return 0 end
if ARGV[4] ~= '' and (stored[5] or '0') ~= ARGV[4] then return -1 end
if ARGV[2] ~= '0' then
  redis.call('HSET', KEYS[1], 'moved', '1', 'expiresAt', ARGV[3])
  redis.call('HDEL', KEYS[1], 'data', 'createdAt', 'version', 'user')
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
else
  redis.call('DEL', KEYS[1])
end
return stored[3] or ''`)

/**
 * Deletes a session and returns its `user` field ('' when none), so its entry
 * in the per-user index can go too. KEYS[1] the session.
 */
export const DELETE = new Script(`local user = redis.pcall('HGET', KEYS[1], 'user')
redis.call('DEL', KEYS[1])
if type(user) == 'string' then return user end
return ''`)

/**
 * Adds a session to a user's index: a sorted set of session ids scored by
 * their expiry (raised, never lowered), whose ended members are dropped on
 * the way, and whose own expiry is pushed out to cover the session's.
 * KEYS[1] the index; ARGV: the session id, its `expiresAt`, now (epoch s),
 * the expiry in ms from now.
 */
export const INDEX = new Script(`redis.call('ZADD', KEYS[1], 'GT', ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
return 1`)
