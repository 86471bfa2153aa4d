/**
 * The followers object's SQLite tables (see ../followers-object.ts and docs/following.md).
 *
 * - `followers`: one row per address (by keyed hash), with a `seq` given when it was added or
 *   confirmed: a send mails the followers whose seq was at most the send's `snapshot`, in seq
 *   order, so its cursor says exactly who is done.
 * - `posts` and `feed_entries`: every post Parley learned of (one row per URL), and every feed
 *   entry it saw (by guid or id), whether or not it became a post.
 * - `sends`: one per post, per digest period and per invitation, with its cursor, its lease (the
 *   consumer sending its current batch) and its counts; `send_done` holds recipients past the
 *   cursor that a batch stopped in the middle of already mailed; `send_failures` the recipients
 *   the mail service refused.
 */
export const FOLLOWERS_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS followers (
    email_hash TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    status TEXT NOT NULL,
    mode TEXT NOT NULL DEFAULT 'each',
    seq INTEGER NOT NULL,
    source TEXT NOT NULL,
    invite INTEGER,
    created_at INTEGER NOT NULL,
    confirmed_at INTEGER
  ) WITHOUT ROWID`,
  `CREATE INDEX IF NOT EXISTS followers_by_status ON followers(status, mode, seq)`,
  `CREATE INDEX IF NOT EXISTS followers_by_invite ON followers(invite, seq)`,
  `CREATE INDEX IF NOT EXISTS followers_by_created ON followers(created_at, email_hash)`,
  `CREATE TABLE IF NOT EXISTS posts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    content TEXT NOT NULL,
    author TEXT NOT NULL,
    published_at TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    source TEXT NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS posts_by_created ON posts(created_at)`,
  `CREATE TABLE IF NOT EXISTS feed_entries (
    feed TEXT NOT NULL,
    entry TEXT NOT NULL,
    post INTEGER,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (feed, entry)
  ) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS sends (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    post INTEGER,
    period TEXT,
    posts TEXT NOT NULL,
    origin TEXT NOT NULL,
    snapshot INTEGER NOT NULL,
    total INTEGER NOT NULL,
    cursor INTEGER NOT NULL DEFAULT 0,
    sent INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    lease TEXT,
    lease_until INTEGER,
    lease_end INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    ops TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    finished_at INTEGER,
    UNIQUE (kind, post),
    UNIQUE (kind, period)
  )`,
  `CREATE INDEX IF NOT EXISTS sends_by_status ON sends(status, updated_at)`,
  `CREATE TABLE IF NOT EXISTS send_done (send INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (send, seq)) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS send_failures (
    send INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    email_hash TEXT NOT NULL,
    state TEXT NOT NULL,
    error TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (send, seq)
  ) WITHOUT ROWID`,
  `CREATE INDEX IF NOT EXISTS send_failures_by_email ON send_failures(email_hash)`,
];
