import { afterEach, describe, expect, it } from 'vitest';
import { reset } from 'cloudflare:test';
import { listAll } from '../helpers/api';
import { allComments, depthOf, importText, queue } from './helpers';
import isso from '../../fixtures/imports/disqus/isso-disqus.xml?raw';
import schnack from '../../fixtures/imports/disqus/schnack-disqus.xml?raw';
import gyk001 from '../../fixtures/imports/disqus/gyk001-disqus2duoshuo-export-2013.xml?raw';
import kkdai from '../../fixtures/imports/disqus/kkdai-evanlin-export-2021-excerpt.xml?raw';

afterEach(() => reset());

describe('importing a Disqus export', () => {
  it('keeps the place of a reply to a deleted post, and skips orphans and empty deleted posts', async () => {
    const report = await importText(isso);
    expect(report).toMatchObject({ format: 'disqus', found: 6, sent: 4, skipped: { orphan: 1, 'missing-content': 1 }, threads: 2 });
    const thread = await listAll('demo', '/');
    const deleted = thread.find((c) => c.deleted)!;
    expect(deleted).toMatchObject({ author: '', html: '', deleted: true });
    const orphanedReply = thread.find((c) => c.parentId === deleted.id)!;
    expect(orphanedReply.html).toBe('<p>Hello, World.</p>\n');
    // The reply to post 4 ("...") is attached to it.
    const first = thread.find((c) => c.author === 'peter')!;
    expect(thread.find((c) => c.parentId === first.id)!.author).toBe('user');
    // Its link ends in index.html: filed under that path exactly (the default), and the report says
    // that a page naming no thread would ask for /blog/2013/02/12/redacted/ (--normalise-paths).
    expect(await listAll('demo', '/blog/2013/02/12/redacted/index.html')).toHaveLength(1);
    expect(report.warnings).toMatchObject({ 'thread-not-normalised': 1 });
    expect(report.examples['thread-not-normalised']).toEqual(['/blog/2013/02/12/redacted/index.html']);
    expect((await allComments()).map((c) => c.author)).not.toContain('where am I?');
  });

  it('follows a reply chain four deep, with emails, HTML turned into Markdown', async () => {
    await importText(schnack);
    const foo = await listAll('demo', '/foo/');
    const byId = new Map(foo.map((c) => [c.id, c]));
    expect(foo).toHaveLength(4);
    expect(Math.max(...foo.map((c) => depthOf(c.id, byId)))).toBe(4);
    const first = (await allComments()).find((c) => c.body.startsWith('Hey, wow!'))!;
    expect(first).toMatchObject({ author: 'Moritz', email: 'moriz@webkid.io', createdAt: '2014-11-01T15:06:24.000Z' });
    expect(first.body).toBe('Hey, wow!\n\n// Amazing post.\n\nCheck [example](http://example.example).');
    expect(first.html).toContain('<a href="http://example.example" rel="nofollow ugc noopener">example</a>');
  });

  it('imports a real 2013 export: deleted posts as removed, orphans skipped, Chinese text kept', async () => {
    const report = await importText(gyk001);
    expect(report).toMatchObject({ found: 23, sent: 17, skipped: { orphan: 6 }, byStatus: { approved: 6, removed: 11, pending: 0, spam: 0 } });
    expect(await queue('removed')).toHaveLength(11);
    const approved = await queue('approved');
    expect(approved.some((c) => /[\u4e00-\u9fff]/.test(c.body))).toBe(true);
  });

  it('imports the newer export format (no emails): spam, deleted, a chain seven deep', async () => {
    const report = await importText(kkdai);
    expect(report).toMatchObject({ found: 189, sent: 189, byStatus: { approved: 168, spam: 13, removed: 8, pending: 0 }, skipped: {} });
    expect(await queue('spam')).toHaveLength(13);
    const comments = await allComments();
    expect(comments.every((c) => c.email === null)).toBe(true);
    const byId = new Map(comments.map((c) => [c.id, c]));
    expect(Math.max(...comments.map((c) => depthOf(c.id, byId)))).toBe(7);
    // The same post linked over http and https (two Disqus threads) lands in one Parley thread.
    const maglev = comments.filter((c) => c.thread === '/maglev/');
    expect(new Set(maglev.map((c) => c.id)).size).toBe(maglev.length);
    expect((await listAll('demo', '/maglev/')).length).toBe(maglev.filter((c) => c.status === 'approved').length);
    expect(report.threads).toBe(55);
  });
});
