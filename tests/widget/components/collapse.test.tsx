import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, test } from 'vitest';
import { FakeServer } from '../helpers/fake-server';
import { commentBy, fillAndPost, renderApp, repliesTo, resetBetweenTests } from '../helpers/render';

resetBetweenTests();

function withReplies(count: number) {
  const server = new FakeServer().install();
  const ada = server.seed({ author: 'Ada' });
  const replies = Array.from({ length: count }, (_, i) => server.seed({ author: `R${i + 1}`, parentId: ada.id }));
  return { server, ada, replies };
}

describe('long reply lists', () => {
  test('show the first three replies and "Show N more replies"; it shows the rest and moves focus to the first of them', async () => {
    withReplies(5);
    renderApp();
    await screen.findByRole('heading', { name: '6 comments' });
    expect(repliesTo(commentBy('Ada'))).toEqual(['R1', 'R2', 'R3']);
    const more = screen.getByRole('button', { name: 'Show 2 more replies' });

    fireEvent.click(more);
    await waitFor(() => expect(repliesTo(commentBy('Ada'))).toEqual(['R1', 'R2', 'R3', 'R4', 'R5']));
    expect(screen.queryByRole('button', { name: /more repl/ })).toBeNull();
    expect(document.activeElement).toBe(commentBy('R4'));
  });

  test('one hidden reply is said in the singular; three replies are not collapsed', async () => {
    const { server, ada } = withReplies(4);
    const view = renderApp();
    await screen.findByRole('heading', { name: '5 comments' });
    expect(screen.getByRole('button', { name: 'Show 1 more reply' })).toBeTruthy();
    view.unmount();

    server.comments = server.comments.filter((c) => c.parentId !== ada.id || c.author !== 'R4');
    renderApp();
    await screen.findByRole('heading', { name: '4 comments' });
    expect(repliesTo(commentBy('Ada'))).toEqual(['R1', 'R2', 'R3']);
    expect(screen.queryByRole('button', { name: /more repl/ })).toBeNull();
  });

  test('collapse at every level, each list on its own', async () => {
    const { server, replies } = withReplies(2);
    for (let i = 0; i < 4; i++) server.seed({ author: `S${i + 1}`, parentId: replies[0].id });
    renderApp();
    await screen.findByRole('heading', { name: '7 comments' });
    expect(repliesTo(commentBy('Ada'))).toEqual(['R1', 'R2']);
    expect(repliesTo(commentBy('R1'))).toEqual(['S1', 'S2', 'S3']);
    expect(screen.getAllByRole('button', { name: /more repl/ })).toHaveLength(1);
  });

  test('my new reply to a collapsed list is shown, with focus', async () => {
    withReplies(4);
    renderApp();
    await screen.findByRole('heading', { name: '5 comments' });
    fireEvent.click(within(commentBy('Ada')).getByRole('button', { name: 'Reply' }));
    fillAndPost(commentBy('Ada').querySelector('form')!, { name: 'Me', comment: 'Late to the party' });
    await waitFor(() => expect(document.activeElement).toBe(commentBy('Me')));
    expect(repliesTo(commentBy('Ada'))).toEqual(['R1', 'R2', 'R3', 'R4', 'Me']);
  });
});
