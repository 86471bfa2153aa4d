import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, test } from 'vitest';
import { seed } from '../helpers/server';
import { commentBy, likeButton, post, renderApp, resetBetweenTests, testThread, settled, threadShown } from '../helpers/render';

resetBetweenTests();

/** The accessible name of a form control or button, the ways this widget gives them. */
function nameOf(element: HTMLElement): string {
  const labelled = element.getAttribute('aria-label');
  if (labelled) return labelled;
  const labels = [...((element as HTMLInputElement).labels ?? [])].map((label) => label.textContent!.trim());
  if (labels.length) return labels.join(' ');
  return ['A', 'BUTTON'].includes(element.tagName) ? element.textContent!.trim() : '';
}

/** Every interactive element reachable by people (the honeypot is not). */
const controls = () => [...document.querySelectorAll<HTMLElement>('input, textarea, select, button, a[href]')].filter((element) => !element.closest('[aria-hidden="true"]'));

describe('accessibility', () => {
  test('with every form open, every control has a name, every id is unique, and there is one live region', async () => {
    const [ada] = await seed(testThread(), [{ author: 'Ada', likes: 2 }], 'open');
    await seed(testThread(), [1, 2, 3, 4].map((i) => ({ author: `R${i}`, parent: ada })), 'open');
    await renderApp({ site: 'open' });
    await threadShown('5 comments');
    await post({ name: 'Me', comment: 'Mine' });
    fireEvent.click(within(commentBy('Ada')).getByRole('button', { name: 'Reply' }));
    await settled();
    fireEvent.click(within(commentBy('Me')).getByRole('button', { name: 'Edit' }));
    await settled();
    fireEvent.click(screen.getByRole('button', { name: 'Follow this thread' }));
    await screen.findByLabelText('Get new comments by email');

    const kinds = new Set<string>();
    for (const control of controls()) {
      kinds.add(control.tagName + (control.getAttribute('type') ? `:${control.getAttribute('type')}` : ''));
      expect(nameOf(control), control.outerHTML.slice(0, 120)).not.toBe('');
    }
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['A', 'BUTTON', 'BUTTON:button', 'INPUT', 'INPUT:checkbox', 'INPUT:email', 'INPUT:url', 'SELECT', 'TEXTAREA']));
    const ids = [...document.querySelectorAll('[id]')].map((element) => element.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(document.querySelectorAll('[role="status"], [aria-live]')).toHaveLength(1);
    // The widget is a labelled region.
    expect(screen.getByRole('region', { name: 'Comments' })).toBeTruthy();
  });

  test('the honeypot is out of reach: hidden from assistive tech and out of the tab order', async () => {
    await renderApp();
    const honeypot = document.querySelector<HTMLInputElement>('input[name="hp"]')!;
    expect(honeypot.tabIndex).toBe(-1);
    expect(honeypot.getAttribute('aria-hidden')).toBe('true');
    expect(controls()).not.toContain(honeypot);
  });

  test('keyboard: Reply, Escape, Like and "Show more replies" all work from focus, and focus lands somewhere useful', async () => {
    const [ada] = await seed(testThread(), [{ author: 'Ada' }]);
    await seed(testThread(), [1, 2, 3, 4].map((i) => ({ author: `R${i}`, parent: ada })));
    await renderApp();
    await threadShown('5 comments');
    const reply = within(commentBy('Ada')).getByRole('button', { name: 'Reply' });
    reply.focus();
    fireEvent.click(reply);
    await settled();
    const field = within(commentBy('Ada')).getByLabelText('Comment');
    expect(document.activeElement).toBe(field);
    fireEvent.keyDown(field, { key: 'Escape' });
    await settled();
    await waitFor(() => expect(document.activeElement).toBe(within(commentBy('Ada')).getByRole('button', { name: 'Reply' })));

    const like = likeButton('Ada');
    fireEvent.click(like);
    await waitFor(() => expect(likeButton('Ada').getAttribute('aria-pressed')).toBe('true'));

    fireEvent.click(screen.getByRole('button', { name: 'Show 1 more reply' }));
    await waitFor(() => expect(document.activeElement).toBe(commentBy('R4')));
    // A comment that takes focus can show it.
    expect(commentBy('R4').tabIndex).toBe(-1);
  });

  test('form errors are tied to their field and announced; the busy state is exposed while loading', async () => {
    await renderApp();
    expect(screen.getByRole('region').getAttribute('aria-busy')).toBe('true');
    await threadShown('No comments yet');
    expect(screen.getByRole('region').getAttribute('aria-busy')).toBe('false');
    fireEvent.click(screen.getByRole('button', { name: 'Post comment' }));
    const alert = await screen.findByRole('alert');
    const name = screen.getByLabelText('Name');
    expect(name.getAttribute('aria-describedby')).toContain(alert.id);
    expect(name.getAttribute('aria-invalid')).toBe('true');
    // The hint is read with every field.
    expect(screen.getByLabelText('Comment').getAttribute('aria-describedby')).toMatch(/hint$/);
  });
});
