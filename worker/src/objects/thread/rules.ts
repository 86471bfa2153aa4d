import type { CommentRecord } from '../../storage/records';
import type { CommentStatus } from '../../wire';
import type { StatusAction, ThreadRefusal } from './protocol';

/**
 * The rules of a comment's life, applied by its thread's object to the current record (never to
 * a copy read elsewhere): who may move it to which status.
 */

const DAY_MS = 86_400_000;

export function refusal(status: ThreadRefusal['status'], code: ThreadRefusal['code'], message: string, field?: string): ThreadRefusal {
  return field ? { status, code, message, field } : { status, code, message };
}

/** The status a moderator's action leads to, or why it cannot apply. Restore returns a comment to where it was. */
export function targetStatus(action: StatusAction, record: CommentRecord): CommentStatus | ThreadRefusal {
  switch (action) {
    case 'approve':
      return 'approved';
    case 'remove':
      return 'removed';
    case 'spam':
      return 'spam';
    case 'restore':
      if (record.status !== 'removed' && record.status !== 'spam') return refusal(409, 'invalid_request', 'Only removed or spam comments can be restored.');
      return record.removedFrom === 'approved' && record.status === 'removed' ? 'approved' : 'pending';
  }
}

/** Whether a status hides a comment for good unless a moderator restores it. */
export function isTombstone(status: CommentStatus): boolean {
  return status === 'removed' || status === 'spam';
}

/** When a tombstone made now is deleted for good. */
export function purgeAt(status: CommentStatus, keepDays: number, now: number): number | null {
  return isTombstone(status) ? now + Math.max(60_000, Math.round(keepDays * DAY_MS)) : null;
}

/** A record moved to a status by a moderator: keeps where a tombstone came from, stamps the first publication. */
export function withStatus(record: CommentRecord, status: CommentStatus, now: number): CommentRecord {
  const leaving = isTombstone(status);
  const updated: CommentRecord = {
    ...record,
    status,
    updatedAt: nextUpdatedAt(record, now),
    removedFrom: leaving ? (isTombstone(record.status) ? record.removedFrom : record.status) : undefined,
  };
  if (status === 'approved' && !record.notifiedAt) updated.notifiedAt = new Date(now).toISOString();
  if (updated.removedFrom === undefined) delete updated.removedFrom;
  return updated;
}

/** An `updatedAt` later than the record's, even within the same millisecond. */
export function nextUpdatedAt(record: CommentRecord, now: number): string {
  return new Date(Math.max(now, Date.parse(record.updatedAt) + 1)).toISOString();
}

/**
 * The status after an author edits their comment: spam stays out; the spam checks may hold it; an
 * approved comment goes back to pending on a site that moderates everything.
 */
export function statusAfterAuthorEdit(current: CommentStatus, verdict: 'ok' | 'hold' | 'spam', moderation: 'all' | 'first' | 'none'): CommentStatus {
  if (verdict === 'spam') return 'spam';
  if (verdict === 'hold' || (current === 'approved' && moderation === 'all')) return 'pending';
  return current;
}

/** Whether the author's edit window is still open. */
export function editWindowOpen(record: CommentRecord, minutes: number, now: number): boolean {
  return now - Date.parse(record.createdAt) <= minutes * 60_000;
}

/** Flags of a skeleton: a comment erased on request, or a parent an import never had. Only its place in the tree is kept. */
export const SKELETON_FLAGS = ['erased', 'placeholder'] as const;

/** Whether a record is a skeleton (never exported, indexed or shown but as a placeholder). */
export function isSkeleton(record: CommentRecord): boolean {
  return record.flags?.some((flag) => (SKELETON_FLAGS as readonly string[]).includes(flag)) === true;
}

/** A skeleton: a comment's id and place in the tree, nothing it said. */
export function skeleton(fields: Pick<CommentRecord, 'id' | 'site' | 'thread' | 'parentId' | 'createdAt'>, flag: (typeof SKELETON_FLAGS)[number], now: number): CommentRecord {
  return { ...fields, author: '', email: null, website: null, body: '', html: '', status: 'removed', updatedAt: new Date(now).toISOString(), tokenHash: '', flags: [flag] };
}
