import { afterEach, describe, expect, it } from 'vitest';
import { reset } from 'cloudflare:test';
import { approve, createComment, listThread } from '../helpers/api';

afterEach(() => reset());

describe('avatar seeds: no public field tells whether an address wrote a comment', () => {
  it('gives a stranger who types the same email a different avatar, pending or published', async () => {
    const whistleblower = await createComment({ author: 'Anonymous Whistleblower', email: 'insider@corp.example', body: 'What I saw' });
    // The guess: post with the suspected address, compare seeds. Held as pending, it is answered all the same.
    const guess = await createComment({ author: 'Curious', email: 'insider@corp.example', body: 'Probe' });
    const other = await createComment({ author: 'Curious', email: 'someone-else@corp.example', body: 'Probe 2' });
    expect(guess.comment.avatar).toMatch(/^[0-9a-f]{16}$/);
    expect(guess.comment.avatar).not.toBe(whistleblower.comment.avatar);
    expect(other.comment.avatar).not.toBe(whistleblower.comment.avatar);
    // Not even the same name and email together make the seed repeat.
    const again = await createComment({ author: 'Anonymous Whistleblower', email: 'insider@corp.example', body: 'Probe 3' });
    expect(again.comment.avatar).not.toBe(whistleblower.comment.avatar);
    await approve(whistleblower.comment.id);
    await approve(guess.comment.id);
    const seeds = (await listThread()).comments.map((comment) => comment.avatar);
    expect(new Set(seeds).size).toBe(2);
  });

  it('keeps one avatar across comments when the author proves an earlier one with its edit token', async () => {
    const first = await createComment({ author: 'Ada', email: 'ada@example.com', body: 'One' });
    const second = await createComment({ author: 'Ada', body: 'Two', proof: { id: first.comment.id, token: first.token } });
    expect(second.comment.avatar).toBe(first.comment.avatar);
    const third = await createComment({ author: 'Ada again', body: 'Three', proof: { id: second.comment.id, token: second.token } });
    expect(third.comment.avatar).toBe(first.comment.avatar);
  });

  it('does not lend an avatar to a wrong token, nor across sites', async () => {
    const first = await createComment({ author: 'Ada', body: 'One' });
    const forged = await createComment({ author: 'Ada', body: 'Two', proof: { id: first.comment.id, token: 'not-the-token' } });
    expect(forged.comment.avatar).not.toBe(first.comment.avatar);
    const elsewhere = await createComment({ site: 'trusted', author: 'Ada', body: 'Three', proof: { id: first.comment.id, token: first.token } }, 'https://trusted.example');
    expect(elsewhere.comment.avatar).not.toBe(first.comment.avatar);
  });
});
