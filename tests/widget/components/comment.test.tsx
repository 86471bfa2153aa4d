import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, test, vi } from 'vitest';
import { admin, network, seed } from '../helpers/server';
import { commentBy, fillAndPost, renderApp, repliesTo, resetBetweenTests, settled, testThread, threadShown } from '../helpers/render';

resetBetweenTests();

async function threadOfTwo() {
  const email = `ada-${testThread().replace(/\W/g, '')}@example.com`;
  const [ada, bob] = await seed(testThread(), [{ author: 'Ada', email }, { author: 'Bob' }]);
  await renderApp();
  await threadShown('2 comments');
  return { ada, bob };
}

describe('a comment\'s date', () => {
  test('an old comment shows its date (in the reader\'s time zone), and the thread renders without Intl\'s date formats, whose first use would block a phone for about 100 ms', async () => {
    const leapDay = Date.parse('2024-02-29T12:00:00Z');
    await seed(testThread(), [{ author: 'Ada', createdAt: leapDay }, { author: 'Bob' }]);
    const dateFormats = vi.spyOn(Intl, 'DateTimeFormat');
    try {
      await renderApp({ box: true });
      await threadShown('2 comments');
      const time = commentBy('Ada').querySelector('time')!;
      // Noon UTC is Feb 29 or Mar 1 depending on the time zone the tests run in.
      expect(time.textContent).toMatch(/^2024-(02-29|03-01)$/);
      expect(Date.parse(time.dateTime)).toBe(leapDay);
      // Seeded three days ago.
      expect(commentBy('Bob').querySelector('time')!.textContent).toBe('3 days ago');
      expect(dateFormats).not.toHaveBeenCalled();
    } finally {
      dateFormats.mockRestore();
    }
  });
});

describe('replying', () => {
  test('"Reply" opens a form under that comment, with focus in it', async () => {
    await threadOfTwo();
    const bob = commentBy('Bob');
    const reply = within(bob).getByRole('button', { name: 'Reply' });
    expect(reply.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(reply);
    await settled();

    expect(reply.getAttribute('aria-expanded')).toBe('true');
    const form = bob.querySelector('form')!;
    expect(form).toBeTruthy();
    expect(commentBy('Ada').querySelector('form')).toBeNull();
    expect(document.activeElement).toBe(within(form).getByLabelText('Comment'));
    expect(within(form).getByRole('button', { name: 'Cancel' })).toBeTruthy();
    // Field ids stay unique with two forms on the page.
    const ids = [...document.querySelectorAll('[id]')].map((element) => element.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('posting a reply sends its parentId and shows it nested and marked, with focus on it', async () => {
    const { bob } = await threadOfTwo();
    fireEvent.click(within(commentBy('Bob')).getByRole('button', { name: 'Reply' }));
    await settled();
    fillAndPost(commentBy('Bob').querySelector('form')!, { name: 'Grace', comment: 'Agreed, Bob' });

    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('awaiting moderation'));
    expect(network.posts()).toEqual([expect.objectContaining({ parentId: bob.id, author: 'Grace', body: 'Agreed, Bob' })]);
    expect(repliesTo(commentBy('Bob'))).toEqual(['Grace']);
    const mine = commentBy('Grace');
    expect(within(mine).getByText('Awaiting moderation')).toBeTruthy();
    // The reply form closed; focus is on the new reply.
    expect(commentBy('Bob').querySelector('form')).toBeNull();
    expect(document.activeElement).toBe(mine);
  });

  test('the name typed in a reply form is the one used everywhere', async () => {
    await threadOfTwo();
    fireEvent.click(within(commentBy('Ada')).getByRole('button', { name: 'Reply' }));
    await settled();
    fireEvent.input(within(commentBy('Ada').querySelector('form')!).getByLabelText('Name'), { target: { value: 'Grace' } });
    expect((within(document.querySelector('form')!).getByLabelText('Name') as HTMLInputElement).value).toBe('Grace');
  });

  test('Cancel closes the form and returns focus to "Reply"; one reply form at a time', async () => {
    await threadOfTwo();
    const adaReply = within(commentBy('Ada')).getByRole('button', { name: 'Reply' });
    fireEvent.click(adaReply);
    await settled();
    fireEvent.click(within(commentBy('Bob')).getByRole('button', { name: 'Reply' }));
    await settled();
    expect(commentBy('Ada').querySelector('form')).toBeNull();
    expect(commentBy('Bob').querySelector('form')).toBeTruthy();

    fireEvent.click(within(commentBy('Bob')).getByRole('button', { name: 'Cancel' }));
    await settled();
    expect(commentBy('Bob').querySelector('form')).toBeNull();
    expect(document.activeElement).toBe(within(commentBy('Bob')).getByRole('button', { name: 'Reply' }));

    fireEvent.click(adaReply);
    await settled();
    fireEvent.keyDown(within(commentBy('Ada')).getByLabelText('Comment'), { key: 'Escape' });
    await settled();
    expect(commentBy('Ada').querySelector('form')).toBeNull();
  });

  test('a reply to a comment that is gone says so in the reply form', async () => {
    const { ada } = await threadOfTwo();
    // Ada asks for her comments to be erased while the page is open.
    await admin.erase(ada.email!);
    fireEvent.click(within(commentBy('Ada')).getByRole('button', { name: 'Reply' }));
    await settled();
    fillAndPost(commentBy('Ada').querySelector('form')!, { name: 'Grace', comment: 'Too late' });
    const alert = await within(commentBy('Ada')).findByRole('alert');
    expect(alert.textContent).toBe('The comment you are replying to is gone.');
  });

  test('the comment named in the page address gets focus', async () => {
    const [, bob] = await seed(testThread(), [{ author: 'Ada' }, { author: 'Bob' }]);
    location.hash = `#comment-${bob.id}`;
    try {
      await renderApp();
      await threadShown('2 comments');
      expect(document.activeElement).toBe(commentBy('Bob'));
    } finally {
      location.hash = '';
    }
  });
});
