import { describe, expect, test } from 'vitest';
import type { PublicComment } from '../../../worker/src/wire';
import type { OwnEntry } from '../../../widget/src/lib/own-comments';
import { buildTree, mergeOwn } from '../../../widget/src/state/thread';

const comment = (id: string, createdAt: string, parentId: string | null = null, extra: Partial<PublicComment> = {}): PublicComment => ({
  id,
  parentId,
  author: id.toUpperCase(),
  website: null,
  html: `<p>${id}</p>`,
  createdAt,
  ...extra,
});
const own = (c: PublicComment, status: 'pending' | 'approved' = 'pending', listed?: boolean): OwnEntry => ({
  id: c.id,
  token: 't',
  site: 's',
  thread: 't',
  savedAt: Date.parse(c.createdAt),
  comment: { ...c, status },
  listed,
});

describe('mergeOwn', () => {
  test('keeps the server\'s order, and adds own comments it lacks after, marked pending unless approved', () => {
    const list = [comment('pinned', '2026-01-03T00:00:00Z', null, { pinned: true }), comment('a', '2026-01-01T00:00:00Z')];
    const merged = mergeOwn(list, [own(comment('b', '2026-01-02T00:00:00Z')), own(comment('d', '2026-01-04T00:00:00Z'), 'approved')]);
    expect(merged.comments.map((c) => [c.id, !!c.pending])).toEqual([
      ['pinned', false],
      ['a', false],
      ['b', true],
      ['d', false],
    ]);
    expect(merged.extra).toBe(2);
  });

  test('the list wins for own comments it carries, and listed ones are never added back', () => {
    const a = comment('a', '2026-01-01T00:00:00Z');
    const merged = mergeOwn([a], [own(a), own(comment('gone', '2026-01-02T00:00:00Z'), 'approved', true)]);
    expect(merged.comments).toEqual([a]);
    expect(merged.extra).toBe(0);
  });
});

describe('buildTree', () => {
  test('nests replies; a reply whose parent is not shown goes to the top level', () => {
    const tree = buildTree([comment('a', '1'), comment('b', '2', 'a'), comment('c', '3', 'b'), comment('orphan', '4', 'missing')]);
    expect(tree.map((n) => n.comment.id)).toEqual(['a', 'orphan']);
    expect(tree[0].replies[0].comment.id).toBe('b');
    expect(tree[0].replies[0].replies[0].comment.id).toBe('c');
  });
});

describe('buildTree and pins', () => {
  test('puts pinned top-level comments first, keeping the order of the rest', () => {
    const tree = buildTree([comment('a', '1'), comment('b', '2'), comment('c', '3', null, { pinned: true }), comment('d', '4')]);
    expect(tree.map((n) => n.comment.id)).toEqual(['c', 'a', 'b', 'd']);
  });
});
