import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, test } from 'vitest';
import { admin, network, seed } from '../helpers/server';
import { commentBy, fillAndPost, renderApp, repliesTo, resetBetweenTests, testThread, settled, threadShown } from '../helpers/render';

resetBetweenTests();

async function withReplies(count: number) {
  const [ada] = await seed(testThread(), [{ author: 'Ada' }]);
  const replies = await seed(testThread(), Array.from({ length: count }, (_, i) => ({ author: `R${i + 1}`, parent: ada })));
  return { ada, replies };
}

describe('long reply lists', () => {
  test('show the first three replies and "Show N more replies"; it shows the rest and moves focus to the first of them', async () => {
    await withReplies(5);
    await renderApp();
    await threadShown('6 comments');
    expect(repliesTo(commentBy('Ada'))).toEqual(['R1', 'R2', 'R3']);
    const more = screen.getByRole('button', { name: 'Show 2 more replies' });

    fireEvent.click(more);
    await waitFor(() => expect(repliesTo(commentBy('Ada'))).toEqual(['R1', 'R2', 'R3', 'R4', 'R5']));
    expect(screen.queryByRole('button', { name: /more repl/ })).toBeNull();
    expect(document.activeElement).toBe(commentBy('R4'));
  });

  test('one hidden reply is said in the singular; three replies are not collapsed', async () => {
    const { replies } = await withReplies(4);
    const view = await renderApp();
    await threadShown('5 comments');
    expect(screen.getByRole('button', { name: 'Show 1 more reply' })).toBeTruthy();
    view.unmount();

    await admin.remove(replies[3].id);
    await renderApp();
    await threadShown('4 comments');
    expect(repliesTo(commentBy('Ada'))).toEqual(['R1', 'R2', 'R3']);
    expect(screen.queryByRole('button', { name: /more repl/ })).toBeNull();
  });

  test('collapse at every level, each list on its own; a conversation\'s replies past its first three come on demand', async () => {
    const { replies } = await withReplies(2);
    await seed(testThread(), Array.from({ length: 4 }, (_, i) => ({ author: `S${i + 1}`, parent: replies[0] })));
    await renderApp();
    await threadShown('7 comments');
    // The page carries the conversation's first three replies (R1, R2, S1) and says it has six.
    expect(repliesTo(commentBy('Ada'))).toEqual(['R1', 'R2']);
    expect(repliesTo(commentBy('R1'))).toEqual(['S1']);
    fireEvent.click(screen.getByRole('button', { name: 'Show 3 more replies' }));
    await waitFor(() => expect(repliesTo(commentBy('R1'))).toEqual(['S1', 'S2', 'S3']));
    expect(network.sent('/api/comments/replies', 'GET')).toHaveLength(1);
    expect(document.activeElement).toBe(commentBy('S2'));
    // R1's own list of four folds on its own.
    expect(screen.getAllByRole('button', { name: /more repl/ }).map((button) => button.textContent)).toEqual(['Show 1 more reply']);
  });

  test('my new reply to a collapsed list is shown, with focus', async () => {
    await withReplies(4);
    await renderApp();
    await threadShown('5 comments');
    fireEvent.click(within(commentBy('Ada')).getByRole('button', { name: 'Reply' }));
    await settled();
    fillAndPost(commentBy('Ada').querySelector('form')!, { name: 'Me', comment: 'Late to the party' });
    await waitFor(() => expect(document.activeElement).toBe(commentBy('Me')));
    expect(repliesTo(commentBy('Ada'))).toEqual(['R1', 'R2', 'R3', 'R4', 'Me']);
  });
});
