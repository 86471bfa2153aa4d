/**
 * The SQLite schema of a thread's object. Applied on every start (idempotent); a change to a
 * table is a new statement appended here, never an edit of an old one.
 */
export const THREAD_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  // One row per comment of every status. `record` is the whole CommentRecord (JSON); `public` the
  // reader's view of it (JSON), kept so pages are built by joining strings, never by serialising.
  `CREATE TABLE IF NOT EXISTS comments (
    id TEXT PRIMARY KEY,
    parent_id TEXT,
    root_id TEXT NOT NULL,
    status TEXT NOT NULL,
    record TEXT NOT NULL,
    public TEXT NOT NULL,
    size INTEGER NOT NULL,
    likes INTEGER NOT NULL DEFAULT 0,
    block INTEGER,
    reply_seq INTEGER,
    reply_page INTEGER,
    purge_at INTEGER,
    pointer INTEGER NOT NULL DEFAULT 0,
    rev INTEGER NOT NULL DEFAULT 0
  )`,
  `CREATE INDEX IF NOT EXISTS comments_by_block ON comments(block, id) WHERE parent_id IS NULL`,
  `CREATE INDEX IF NOT EXISTS comments_by_root ON comments(root_id, reply_seq)`,
  `CREATE INDEX IF NOT EXISTS comments_by_parent ON comments(parent_id)`,
  `CREATE INDEX IF NOT EXISTS comments_top ON comments(likes DESC, id DESC) WHERE parent_id IS NULL`,
  `CREATE INDEX IF NOT EXISTS comments_by_rev ON comments(rev)`,
  // Counting approved comments (once an object has started: ThreadState.approvedCount) reads this index, not the table.
  `CREATE INDEX IF NOT EXISTS comments_by_status ON comments(status, id)`,
  // The pages of replies of one top-level comment: the last one, and how full it is.
  `CREATE INDEX IF NOT EXISTS comments_by_reply_page ON comments(root_id, reply_page)`,
  // Counting the shown replies of one top-level comment reads only its own.
  `CREATE INDEX IF NOT EXISTS comments_by_root_status ON comments(root_id, status)`,
  `CREATE INDEX IF NOT EXISTS comments_purge ON comments(purge_at) WHERE purge_at IS NOT NULL`,
  `CREATE TABLE IF NOT EXISTS likes (comment_id TEXT NOT NULL, voter TEXT NOT NULL, PRIMARY KEY (comment_id, voter)) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS subscriptions (
    email_hash TEXT NOT NULL,
    target TEXT NOT NULL,
    email TEXT NOT NULL,
    confirmed INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    confirmed_at TEXT,
    legacy_key TEXT,
    rev INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (email_hash, target)
  ) WITHOUT ROWID`,
  // Recent bodies per poster, for the duplicate check (a day).
  `CREATE TABLE IF NOT EXISTS recent_posts (poster TEXT NOT NULL, body_hash TEXT NOT NULL, at INTEGER NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS recent_posts_by_poster ON recent_posts(poster, body_hash)`,
  // Answers to requests that carried an idempotency key, so a retry gets the same answer (a day).
  `CREATE TABLE IF NOT EXISTS requests (request_id TEXT PRIMARY KEY, result TEXT NOT NULL, at INTEGER NOT NULL)`,
  // What still has to be published (KV writes, the site's index), and when each KV key was last written.
  `CREATE TABLE IF NOT EXISTS dirty (artifact TEXT PRIMARY KEY, since INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS written (kv_key TEXT PRIMARY KEY, artifact TEXT NOT NULL, at INTEGER NOT NULL, hash TEXT NOT NULL, checked_at INTEGER NOT NULL DEFAULT 0)`,
  `CREATE TABLE IF NOT EXISTS audit_outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, entry TEXT NOT NULL)`,
  // Forgetting what is older than a day reads only those rows, not every post of the day (rows read are billed).
  `CREATE INDEX IF NOT EXISTS recent_posts_by_age ON recent_posts(at)`,
  `CREATE INDEX IF NOT EXISTS requests_by_age ON requests(at)`,
];
