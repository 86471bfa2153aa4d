import { afterEach, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import type { CommentStatus } from '../../../worker/src/wire';
import { SeededRandom } from '../support/seeded-random';
import {
  approve,
  authorDelete,
  bulkModerate,
  askToFollow,
  confirmFollow,
  edit,
  like,
  lock,
  pin,
  post,
  readCounts,
  readQueue,
  readQueueCounts,
  readThread,
  remove,
  reply,
  restore,
  settle,
  spam,
  STATUSES,
  unfollow,
  World,
  type AuthorsCopy,
  type Outcome,
} from './actions';

/**
 * Seeded random schedules of everything people do to a thread, sent from three locations of the
 * KV model with several requests in flight at once, checked once everything has settled against
 * a model of what must be true:
 *
 * - the public thread (every page, at every location) shows exactly the approved comments, with
 *   their latest text, pins and like counts; its lock, total and follower count are right;
 * - each moderation queue holds exactly the comments of its status (so the pending queue holds
 *   exactly the pending ones), and the dashboard's queue counts match the queues;
 * - the index-page count (GET /api/counts) is the number of approved comments.
 *
 * The expected state follows the answers people got: a moderator's decision that was answered
 * 2xx stands until another moderator decision (the last one wins); an author's edit or delete
 * applies only to a pending or approved comment, so it can never bring back a removed or spam one;
 * likes, follows and unfollows change nothing but likes and followers. A schedule never sends two
 * requests whose order would change the expected outcome (two moderators on one comment, or an
 * approval together with the author's edit) at the same moment.
 *
 * CONSISTENCY_SEEDS picks the seeds: "1-500" (the default), "137" (one seed, with its trace), or
 * "1,5,9". CONSISTENCY_CONTROL=sequential runs schedules one request at a time on a model without
 * caches or delays (one consistent store): whatever fails there is a bug of the checks or of the
 * app's logic, not of KV's consistency. CONSISTENCY_CONTROL=concurrent keeps several requests in
 * flight on that consistent store: what fails there are races that need no KV cache at all.
 */

const LOCATIONS = ['lisbon', 'tokyo', 'ashburn'];
const READERS = ['ana@example.com', 'ben@example.com', 'cyd@example.com'];
const VOTERS = ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4'];
const EDIT_WINDOW_MS = 14 * 60_000; // the sites' 15 minutes, with a margin

type StatusAction = 'approve' | 'remove' | 'spam' | 'restore';
type AuthorAction = 'edit' | 'delete';

interface ExpectedComment {
  copy: AuthorsCopy;
  label: string;
  status: CommentStatus;
  removedFrom?: CommentStatus;
  text: string;
  likes: Set<string>;
  createdAt: number;
  /** What its author last tried, so later edits get new text. */
  versions: number;
}

interface ExpectedThread {
  site: string;
  thread: string;
  moderation: 'all' | 'none';
  comments: ExpectedComment[];
  locked: boolean;
  pinned: Set<string>;
  followers: Set<string>;
  /** Readers who asked to follow and have not confirmed yet. */
  asked: Set<string>;
}

/** A control run: a model without caches or delays (one consistent store), one request at a time or several at once. */
type Control = false | 'sequential' | 'concurrent';

interface Violation {
  /** A short, stable name, for the summary. */
  kind: string;
  detail: string;
}

interface ScheduleResult {
  seed: number;
  violations: Violation[];
  trace: string[];
  requests: number;
}

let world: World | undefined;
afterEach(() => world?.dispose());

/** Applies a moderator's status decision (worker/src/moderation/actions.ts semantics). Null when it does not apply. */
function moderated(comment: Pick<ExpectedComment, 'status' | 'removedFrom'>, action: StatusAction): Pick<ExpectedComment, 'status' | 'removedFrom'> | null {
  const hidden = comment.status === 'removed' || comment.status === 'spam';
  switch (action) {
    case 'approve':
      return { status: 'approved', removedFrom: undefined };
    case 'remove':
    case 'spam': {
      const status = action === 'remove' ? 'removed' : 'spam';
      if (comment.status === status) return comment;
      return { status, removedFrom: hidden ? comment.removedFrom : comment.status };
    }
    case 'restore':
      if (!hidden) return null;
      return { status: comment.removedFrom === 'approved' && comment.status === 'removed' ? 'approved' : 'pending', removedFrom: undefined };
  }
}

/** Applies an author's edit or delete. Null when the author may not (the comment is removed or spam). */
function authored(comment: Pick<ExpectedComment, 'status' | 'removedFrom'>, action: AuthorAction, moderation: 'all' | 'none'): Pick<ExpectedComment, 'status' | 'removedFrom'> | null {
  if (comment.status === 'removed' || comment.status === 'spam') return null;
  if (action === 'delete') return { status: 'removed', removedFrom: comment.status };
  return { status: comment.status === 'approved' && moderation === 'all' ? 'pending' : comment.status, removedFrom: comment.removedFrom };
}

interface PlannedAction {
  describe: string;
  run: (world: World) => Promise<Outcome>;
  /** Updates the expected state from the answer (called in batch order, after every request of the batch answered). */
  settle?: (outcome: Outcome) => void;
  /** A new comment or reply (refused on a thread a moderator locked earlier). */
  posts?: boolean;
  /** A lock or unlock. */
  locks?: boolean;
  /** For a comment's status: the moderator's decision or the author's action (resolved together, per comment). */
  status?: { comment: ExpectedComment; by: 'moderator'; action: StatusAction } | { comment: ExpectedComment; by: 'author'; action: AuthorAction; text?: string };
}

/** Plans and runs one seeded schedule, then checks the settled system against the expected state. */
async function runSchedule(seed: number, control: Control): Promise<ScheduleResult> {
  const random = new SeededRandom(seed);
  const site = random.pick(['demo', 'open'] as const);
  const expected: ExpectedThread = { site, thread: `/random/${seed}/`, moderation: site === 'demo' ? 'all' : 'none', comments: [], locked: false, pinned: new Set(), followers: new Set(), asked: new Set() };
  const propagation = Object.fromEntries(LOCATIONS.map((name) => [name, { propagationMs: control ? 0 : { min: 100, max: random.int(500, 3_000) } }]));
  world = new World({ locations: propagation, seed, interleave: control === 'sequential' ? 0 : 3, ...(control ? { cacheTtlMs: 0 } : {}) });
  /** Violations seen while the schedule runs (the rest are checked once it has settled). */
  const seen: Violation[] = [];
  const trace: string[] = [`site ${site} (moderation ${expected.moderation}), thread ${expected.thread}`];
  let requests = 0;
  let posted = 0;
  let longPauses = 0;
  const elapsed = () => `${((world!.model.now() - start) / 1000).toFixed(1)}s`;
  const start = world.model.now();
  const where = () => random.pick(LOCATIONS);

  if (seed % 10 === 0) {
    // Every tenth schedule starts on a thread longer than one page (20 top-level comments a page).
    const at = where();
    for (let n = 0; n < 51; n++) {
      const number = ++posted;
      const text = `comment ${number} version 1 of seed ${seed}`;
      const result = await post(world, at, { site, thread: expected.thread, author: `Author${number}`, body: text });
      if (result.ok && result.comment) expected.comments.push({ copy: result.comment, label: `c${number}`, status: result.comment.status, text, likes: new Set(), createdAt: world.model.now(), versions: 1 });
      world.model.advance(1_000);
    }
    const waiting = expected.comments.filter((comment) => comment.status === 'pending');
    if (waiting.length) {
      const approval = await bulkModerate(world, at, waiting.map((comment) => comment.copy.id), 'approve');
      for (const comment of waiting) if (approval.ok && !approval.failed?.some((failure) => failure.id === comment.copy.id)) comment.status = 'approved';
    }
    requests += 52;
    trace.push(`${elapsed()} ${at} 51 posts, all approved`);
    world.model.quiesce();
    world.model.advance(70_000);
  }

  const batches = random.int(8, 16);
  for (let batch = 0; batch < batches; batch++) {
    const size = control === 'sequential' ? 1 : random.weighted([[3, 1], [3, 2], [2, 3], [1, 4]] as const);
    const planned: PlannedAction[] = [];
    const busy = { moderated: new Set<string>(), authored: new Set<string>(), approved: new Set<string>(), pinned: new Set<string>(), voters: new Set<string>(), readers: new Set<string>(), lock: false };
    for (let attempt = 0; planned.length < size && attempt < 20; attempt++) {
      const action = planAction(random, expected, busy, world.model.now(), where, () => ++posted, seed);
      if (action) planned.push(action);
    }
    const lockedBefore = expected.locked && !planned.some((action) => action.locks);
    const outcomes = await Promise.all(planned.map((action) => action.run(world!)));
    requests += planned.length;
    planned.forEach((action, index) => {
      trace.push(`${elapsed()} ${action.describe} → ${outcomes[index].status}${outcomes[index].error ? ` ${outcomes[index].error}` : ''}`);
      if (action.posts && lockedBefore && outcomes[index].ok) seen.push({ kind: 'lock: a comment accepted on a locked thread', detail: `${elapsed()} ${action.describe}` });
    });
    resolveBatch(planned, outcomes, expected);

    const pause = random.weighted([
      [1, 0],
      [4, random.int(200, 3_000)],
      [3, random.int(3_000, 20_000)],
      [longPauses < 4 ? 2 : 0, random.int(20_000, 70_000)],
    ] as const);
    if (pause >= 20_000) longPauses++;
    world.model.advance(pause);
  }

  await settle(world, [{ site: expected.site, thread: expected.thread }]);
  const violations = [...seen, ...(await check(world, expected))];
  world.dispose();
  world = undefined;
  return { seed, violations, trace, requests };
}

/** Picks one action that may run alongside the ones already in the batch, or null. */
function planAction(
  random: SeededRandom,
  expected: ExpectedThread,
  busy: { moderated: Set<string>; authored: Set<string>; approved: Set<string>; pinned: Set<string>; voters: Set<string>; readers: Set<string>; lock: boolean },
  now: number,
  where: () => string,
  nextNumber: () => number,
  seed: number,
): PlannedAction | null {
  const { site, thread } = expected;
  const comments = expected.comments;
  const kind = random.weighted([
    [comments.length < 12 ? (expected.locked ? 1 : 4) : 0, 'post'],
    [comments.length ? 3 : 0, 'reply'],
    [comments.length ? 3 : 0, 'edit'],
    [comments.length ? 1 : 0, 'delete'],
    [comments.length ? 3 : 0, 'like'],
    [comments.length ? 3 : 0, 'approve'],
    [comments.length ? 2 : 0, 'remove'],
    [comments.length ? 1 : 0, 'spam'],
    [comments.some((c) => c.status === 'removed' || c.status === 'spam') ? 2 : 0, 'restore'],
    [expected.locked ? 2 : comments.length >= 3 ? 1 : 0, 'lock'],
    [comments.length ? 1 : 0, 'pin'],
    [2, 'follow'],
    [expected.asked.size ? 3 : 0, 'confirm'],
    [expected.followers.size ? 1 : 0, 'unfollow'],
  ] as const);
  const at = where();

  if (kind === 'post' || kind === 'reply') {
    const number = nextNumber();
    const author = `Author${number}`;
    const text = `comment ${number} version 1 of seed ${seed}`;
    const ip = random.pick(VOTERS);
    const parent = kind === 'reply' ? random.pick(comments) : null;
    return {
      posts: true,
      describe: `${at} ${kind} c${number}${parent ? ` to ${parent.label}` : ''}`,
      run: async (w) => {
        const result = parent ? await reply(w, at, parent.copy, { author, body: text, ip }) : await post(w, at, { site, thread, author, body: text, ip });
        if (result.ok && result.comment) {
          expected.comments.push({ copy: result.comment, label: `c${number}`, status: result.comment.status, text, likes: new Set(), createdAt: now, versions: 1 });
        }
        return result;
      },
    };
  }

  // Every other action needs a comment: their weights are 0 until there is one (lock, follow and the like ignore it).
  const comment = comments.length ? random.pick(comments) : (undefined as unknown as ExpectedComment);
  const id = comment?.copy.id;

  switch (kind) {
    case 'edit':
    case 'delete': {
      if (busy.authored.has(id) || busy.approved.has(id) || now - comment.createdAt > EDIT_WINDOW_MS) return null;
      busy.authored.add(id);
      const text = `comment ${comment.label.slice(1)} version ${++comment.versions} of seed ${seed}`;
      return {
        describe: `${at} author ${kind} ${comment.label}`,
        run: (w) => (kind === 'edit' ? edit(w, at, comment.copy, text) : authorDelete(w, at, comment.copy)),
        status: { comment, by: 'author', action: kind, text },
      };
    }
    case 'like': {
      const free = VOTERS.filter((ip) => !busy.voters.has(ip));
      if (free.length === 0) return null;
      const voter = random.pick(free);
      busy.voters.add(voter);
      const liked = !comment.likes.has(voter) || random.chance(0.2);
      return {
        describe: `${at} ${voter.slice(-1)} ${liked ? 'likes' : 'unlikes'} ${comment.label}`,
        run: (w) => like(w, at, comment.copy, voter, liked),
        settle: (outcome) => {
          if (!outcome.ok) return;
          if (liked) comment.likes.add(voter);
          else comment.likes.delete(voter);
        },
      };
    }
    case 'approve':
    case 'remove':
    case 'spam':
    case 'restore': {
      const target = kind === 'restore' ? random.pick(comments.filter((c) => c.status === 'removed' || c.status === 'spam')) : comment;
      const targetId = target.copy.id;
      if (busy.moderated.has(targetId) || (kind === 'approve' && busy.authored.has(targetId))) return null;
      busy.moderated.add(targetId);
      if (kind === 'approve') busy.approved.add(targetId);
      const act = { approve, remove, spam, restore }[kind];
      return { describe: `${at} moderator ${kind} ${target.label}`, run: (w) => act(w, at, targetId), status: { comment: target, by: 'moderator', action: kind } };
    }
    case 'lock': {
      if (busy.lock) return null;
      busy.lock = true;
      const locked = !expected.locked;
      return {
        locks: true,
        describe: `${at} moderator ${locked ? 'locks' : 'unlocks'}`,
        run: (w) => lock(w, at, site, thread, locked),
        settle: (outcome) => {
          if (outcome.ok) expected.locked = locked;
        },
      };
    }
    case 'pin': {
      if (busy.pinned.has(id)) return null;
      busy.pinned.add(id);
      const pinned = !expected.pinned.has(id);
      return {
        describe: `${at} moderator ${pinned ? 'pins' : 'unpins'} ${comment.label}`,
        run: (w) => pin(w, at, id, pinned),
        settle: (outcome) => {
          if (!outcome.ok) return;
          if (pinned) expected.pinned.add(id);
          else expected.pinned.delete(id);
        },
      };
    }
    case 'follow':
    case 'confirm':
    case 'unfollow': {
      const candidates = READERS.filter(
        (email) => !busy.readers.has(email) && (kind === 'follow' ? !expected.followers.has(email) && !expected.asked.has(email) : kind === 'confirm' ? expected.asked.has(email) : expected.followers.has(email)),
      );
      if (candidates.length === 0) return null;
      const email = random.pick(candidates);
      busy.readers.add(email);
      const who = { site, thread, email };
      if (kind === 'follow') {
        return {
          describe: `${at} ${email.slice(0, 3)} asks to follow`,
          run: (w) => askToFollow(w, at, who),
          settle: (outcome) => {
            if (outcome.ok) expected.asked.add(email);
          },
        };
      }
      if (kind === 'confirm') {
        return {
          describe: `${at} ${email.slice(0, 3)} confirms from the mail`,
          run: (w) => confirmFollow(w, at, who),
          settle: (outcome) => {
            // One try: a person whose link did not work asks again later.
            expected.asked.delete(email);
            if (outcome.ok) expected.followers.add(email);
          },
        };
      }
      return {
        describe: `${at} ${email.slice(0, 3)} unsubscribes`,
        run: (w) => unfollow(w, at, who),
        settle: (outcome) => {
          if (outcome.ok) expected.followers.delete(email);
        },
      };
    }
  }
  return null;
}

/**
 * Updates the expected state from a batch's answers. Per comment, a moderator's decision and
 * its author's action sent at the same moment are put in the one order that explains the author's
 * answer: an author's success means the comment was pending or approved when it applied.
 */
function resolveBatch(planned: PlannedAction[], outcomes: Outcome[], expected: ExpectedThread): void {
  const byComment = new Map<ExpectedComment, { moderator?: { action: StatusAction; ok: boolean }; author?: { action: AuthorAction; ok: boolean; text?: string } }>();
  planned.forEach((action, index) => {
    action.settle?.(outcomes[index]);
    const status = action.status;
    if (!status) return;
    const entry = byComment.get(status.comment) ?? {};
    if (status.by === 'moderator') entry.moderator = { action: status.action, ok: outcomes[index].ok };
    else entry.author = { action: status.action, ok: outcomes[index].ok, text: status.text };
    byComment.set(status.comment, entry);
  });
  for (const [comment, { moderator, author }] of byComment) {
    const applyModerator = (state: Pick<ExpectedComment, 'status' | 'removedFrom'>) => (moderator?.ok ? (moderated(state, moderator.action) ?? state) : state);
    const applyAuthor = (state: Pick<ExpectedComment, 'status' | 'removedFrom'>) => (author?.ok ? authored(state, author.action, expected.moderation) : state);
    const start = { status: comment.status, removedFrom: comment.removedFrom };
    let end = applyModerator(start);
    let authorApplied = false;
    if (author?.ok) {
      const authorFirst = applyAuthor(start);
      const authorAfter = applyAuthor(applyModerator(start));
      if (authorFirst) {
        end = applyModerator(authorFirst);
        authorApplied = true;
      } else if (authorAfter) {
        end = authorAfter;
        authorApplied = true;
      }
    }
    comment.status = end.status;
    comment.removedFrom = end.removedFrom;
    if (authorApplied && author?.action === 'edit' && author.text) comment.text = author.text;
  }
}

/** Everything a reader, a moderator and an index page see, against the expected state. */
async function check(world: World, expected: ExpectedThread): Promise<Violation[]> {
  const violations: Violation[] = [];
  const add = (kind: string, detail: string) => violations.push({ kind, detail });
  const { site, thread } = expected;
  const label = (id: string) => expected.comments.find((c) => c.copy.id === id)?.label ?? id;
  const approved = expected.comments.filter((c) => c.status === 'approved');

  for (const at of world.locations) {
    const read = await readThread(world, at, site, thread);
    const shown = read.comments.filter((c) => !c.deleted);
    const ids = shown.map((c) => c.id);
    if (new Set(ids).size !== ids.length) add('public: a comment shown twice', `${at}: ${ids.map(label).join(' ')}`);
    for (const comment of expected.comments) {
      const item = shown.find((c) => c.id === comment.copy.id);
      if (comment.status === 'approved' && !item) add('public: approved comment missing', `${at}: ${comment.label}`);
      if (comment.status !== 'approved' && item) add(`public: ${comment.status} comment shown`, `${at}: ${comment.label}`);
      if (comment.status !== 'approved' || !item) continue;
      if (!item.html.includes(comment.text)) add('public: not the latest text', `${at}: ${comment.label} shows "${item.html.replace(/<[^>]+>|\n/g, '')}", expected "${comment.text}"`);
      if (Boolean(item.pinned) !== expected.pinned.has(comment.copy.id)) add('public: pin changed', `${at}: ${comment.label} pinned=${Boolean(item.pinned)}`);
      if ((item.likes ?? 0) !== comment.likes.size) add('public: like count', `${at}: ${comment.label} shows ${item.likes ?? 0}, expected ${comment.likes.size}`);
    }
    for (const id of ids) if (!expected.comments.some((c) => c.copy.id === id)) add('public: unknown comment shown', `${at}: ${id}`);
    if (read.total !== approved.length) add('public: total', `${at}: ${read.total}, expected ${approved.length}`);
    if (read.locked !== expected.locked) add('public: lock changed', `${at}: locked=${read.locked}, expected ${expected.locked}`);
    if (read.followers !== expected.followers.size) add('public: follower count', `${at}: ${read.followers}, expected ${expected.followers.size}`);
  }

  const at = world.locations[0];
  const queued = new Map<string, CommentStatus[]>();
  const listed: Record<string, number> = {};
  for (const status of STATUSES) {
    const queue = await readQueue(world, at, status, site);
    listed[status] = queue.length;
    for (const record of queue) {
      queued.set(record.id, [...(queued.get(record.id) ?? []), record.status]);
      const comment = expected.comments.find((c) => c.copy.id === record.id);
      if (comment && (status === 'pending' || status === 'approved') && comment.status === status && record.body !== comment.text) {
        add(`queue: ${status} comment with old text`, `${comment.label}: "${record.body}", expected "${comment.text}"`);
      }
    }
  }
  for (const comment of expected.comments) {
    const found = queued.get(comment.copy.id) ?? [];
    if (found.length !== 1 || found[0] !== comment.status) add(`status: ${comment.status} → ${found.join('+') || 'in no queue'}`, comment.label);
  }
  const counts = await readQueueCounts(world, at, site);
  for (const status of STATUSES) if (counts[status] !== listed[status]) add('queue: count differs from its list', `${status}: count ${counts[status]}, list ${listed[status]}`);
  const index = await readCounts(world, at, site, [thread]);
  if (index[thread] !== approved.length) add('index: comment count', `${index[thread]}, expected ${approved.length}`);
  return violations;
}

function seedsToRun(spec: string | undefined): number[] {
  const text = (spec ?? '').trim() || '1-500';
  return text.split(',').flatMap((part) => {
    const [from, to] = part.split('-').map((n) => Number(n.trim()));
    if (!Number.isInteger(from) || (to !== undefined && !Number.isInteger(to))) throw new Error(`CONSISTENCY_SEEDS: cannot read "${part}"`);
    return to === undefined ? [from] : Array.from({ length: to - from + 1 }, (_, n) => from + n);
  });
}

function summarize(results: ScheduleResult[], control: Control): string {
  const failing = results.filter((result) => result.violations.length);
  const kinds = new Map<string, { seeds: number[] }>();
  for (const result of failing) {
    for (const kind of new Set(result.violations.map((v) => v.kind))) {
      const entry = kinds.get(kind) ?? { seeds: [] };
      entry.seeds.push(result.seed);
      kinds.set(kind, entry);
    }
  }
  const lines = [
    `${failing.length} of ${results.length} schedules broke an invariant${control ? ` (control run: one consistent store, ${control === 'sequential' ? 'one request at a time' : 'requests at once'})` : ''}:`,
    ...[...kinds]
      .sort((a, b) => b[1].seeds.length - a[1].seeds.length)
      .map(([kind, { seeds }]) => `  ${String(seeds.length).padStart(4)}  ${kind}  (e.g. seed ${seeds.slice(0, 3).join(', ')})`),
  ];
  const first = failing[0];
  if (first) {
    lines.push(`First failing seed ${first.seed}:`, ...first.violations.slice(0, 6).map((v) => `  ${v.kind}: ${v.detail}`));
    if (first.violations.length > 6) lines.push(`  … and ${first.violations.length - 6} more`);
    lines.push(`Replay one with its trace: CONSISTENCY_SEEDS=${first.seed} npx vitest run -c tests/vitest.config.ts --project worker tests/worker/consistency/randomized.test.ts`);
  }
  return lines.join('\n');
}

/** Seeds run per test: 500 in five parts, so each part stays well inside its timeout on a slow machine. */
const PART = 100;

describe('randomized interleavings from several locations', () => {
  const bindings = env as unknown as Record<string, string | undefined>;
  const seeds = seedsToRun(bindings.CONSISTENCY_SEEDS);
  const parts: number[][] = [];
  for (let start = 0; start < seeds.length; start += PART) parts.push(seeds.slice(start, start + PART));

  it.each(parts.map((part) => [`${part[0]}-${part[part.length - 1]}`, part] as const))(
    'leave the public thread, the queues and the counts exactly as the people who acted expect (seeds %s)',
    { timeout: 600_000 },
    async (_label, part) => {
      const control: Control = bindings.CONSISTENCY_CONTROL === 'sequential' || bindings.CONSISTENCY_CONTROL === 'concurrent' ? bindings.CONSISTENCY_CONTROL : false;
      const results: ScheduleResult[] = [];
      for (const seed of part) {
        try {
          results.push(await runSchedule(seed, control));
        } catch (error) {
          // A request that errored out (a 5xx, a read that failed) is a finding too, not the end of the run.
          world?.dispose();
          world = undefined;
          results.push({ seed, violations: [{ kind: `error: ${String(error instanceof Error ? error.message : error).split('\n')[0].slice(0, 120)}`, detail: String(error) }], trace: [], requests: 0 });
        }
      }
      const requests = results.reduce((sum, result) => sum + result.requests, 0);
      if (seeds.length === 1) console.log(`Seed ${seeds[0]}, ${requests} actions:\n${results[0].trace.join('\n')}`);
      const summary = summarize(results, control);
      console.log(`${results.length} schedules, ${requests} actions; ${summary.split('\n')[0]}`);
      expect(results.filter((result) => result.violations.length).length, summary).toBe(0);
    },
  );
});
