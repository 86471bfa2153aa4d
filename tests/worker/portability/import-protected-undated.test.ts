import { afterEach, describe, expect, it } from 'vitest';
import { reset } from 'cloudflare:test';
import { allComments, importText } from './helpers';
import { formatReport } from '../../../worker/scripts/lib/report.mjs';
import fixture from '../../fixtures/imports/wordpress/parley-wxr-protected-undated.xml?raw';

afterEach(() => reset());

describe('WordPress oddities an import must not hide', () => {
  it('holds comments of a password-protected post for moderation, flagged, and says so', async () => {
    const report = await importText(fixture, { fileName: 'parley-wxr-protected-undated.xml' });
    const stored = await allComments();
    const insider = stored.find((comment) => comment.author === 'Insider')!;
    expect(insider.status).toBe('pending'); // approved in WordPress, but only readers with the password saw it
    expect(insider.flags).toContain('imported from a password-protected post: held for moderation');
    expect(stored.find((comment) => comment.author === 'Spammer')!.status).toBe('spam');
    expect(report.warnings['password-protected']).toBe(2);
    const summary = formatReport({ report, where: 'here', seconds: 1 }, 'parley-wxr-protected-undated.xml', { site: 'demo' });
    expect(summary).toContain('2 comments on password-protected posts (held for moderation');
  });

  it('skips them instead when the owner says so', async () => {
    const report = await importText(fixture, { protectedPosts: 'skip' });
    expect(report.skipped['password-protected']).toBe(2);
    expect((await allComments()).map((comment) => comment.author)).toEqual(['Timeless']);
  });

  it("dates a comment the file dates nowhere at the import's time, flags it, and reports it truthfully", async () => {
    const importedAt = Date.parse('2026-06-01T12:00:00.000Z');
    const report = await importText(fixture, { importedAt });
    const timeless = (await allComments()).find((comment) => comment.author === 'Timeless')!;
    expect(timeless.createdAt).toBe('2026-06-01T12:00:00.000Z');
    expect(timeless.flags).toContain('imported without a date (nor one for its post): dated at the time of the import');
    expect(report.warnings).toMatchObject({ 'date-unknown': 1 });
    expect(report.warnings['date-missing']).toBeUndefined();
    const summary = formatReport({ report, where: 'here', seconds: 1 }, 'x.xml', { site: 'demo' });
    expect(summary).toContain('1 comments without a date on a post without one (dated at the time of the import');
    expect(summary).not.toContain("the post's date was used");
    // Importing again later changes nothing: same id, same date.
    const again = await importText(fixture, { importedAt: importedAt + 86_400_000 });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    expect((await allComments()).find((comment) => comment.author === 'Timeless')!.createdAt).toBe('2026-06-01T12:00:00.000Z');
  });
});
