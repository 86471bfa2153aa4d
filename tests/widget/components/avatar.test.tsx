import { screen } from '@testing-library/preact';
import { describe, expect, test } from 'vitest';
import { identicon } from '../../../widget/src/lib/identicon';
import { network, seed } from '../helpers/server';
import { commentBy, renderApp, resetBetweenTests, testThread, threadShown } from '../helpers/render';

resetBetweenTests();

describe('avatars', () => {
  test('are identicons drawn here from the seed (no request), or the Gravatar a site opted into', async () => {
    await seed(testThread(), [
      { author: 'Ada', avatar: '9f86d081884c7d65' },
      { author: 'Bob', avatar: '9f86d081884c7d65' },
      { author: 'Cy', avatar: '2c26b46b68ffc68f', avatarUrl: 'https://www.gravatar.com/avatar/0bc83cb571cd1c50ba6f3e8a78ef1346?s=96&d=identicon' },
      { author: 'Dee', avatar: 'dee0' },
    ], 'gravatar');
    await renderApp({ site: 'gravatar' });
    await threadShown('4 comments');

    const ada = commentBy('Ada').querySelector('svg.avatar')!;
    expect(ada.getAttribute('aria-hidden')).toBe('true');
    expect(ada.querySelector('path')!.getAttribute('d')).toBe(identicon('9f86d081884c7d65').d);
    expect(ada.querySelector('path')!.getAttribute('fill')).toBe(identicon('9f86d081884c7d65').fill);
    // Same seed, same picture.
    expect(commentBy('Bob').querySelector('svg.avatar')!.innerHTML).toBe(ada.innerHTML);
    // Another seed, another picture.
    expect(commentBy('Dee').querySelector('path')!.getAttribute('d')).toBe(identicon('dee0').d);
    expect(identicon('dee0').d).not.toBe(identicon('9f86d081884c7d65').d);

    const gravatar = commentBy('Cy').querySelector('img.avatar')!;
    expect(gravatar.getAttribute('src')).toBe('https://www.gravatar.com/avatar/0bc83cb571cd1c50ba6f3e8a78ef1346?s=96&d=identicon');
    expect(gravatar.getAttribute('alt')).toBe('');
    expect(gravatar.getAttribute('referrerpolicy')).toBe('no-referrer');
    expect(commentBy('Cy').querySelector('svg')).toBeNull();
    // No request for pictures (the site's config comes with the comment form, which renderApp brings).
    expect(network.requests.map((r) => r.url.pathname).filter((path) => !path.endsWith('/config'))).toEqual(['/api/comments']);
  });
});
