-- The session table of seshjs/sqlite (sqliteTableStatements(); test/e2e/worker-d1.e2e.test.ts checks they agree).
-- Applied by npm run start:worker (--local) and before a deploy: npx wrangler d1 migrations apply SESSIONS_DB --remote
CREATE TABLE IF NOT EXISTS "sessions" (id TEXT PRIMARY KEY, data TEXT NOT NULL, expires_at INTEGER NOT NULL, user_id TEXT, version INTEGER NOT NULL DEFAULT 0, created_at INTEGER, updated_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS "sessions_expires_at" ON "sessions" (expires_at);
CREATE INDEX IF NOT EXISTS "sessions_user_id" ON "sessions" (user_id, id) WHERE user_id IS NOT NULL;
