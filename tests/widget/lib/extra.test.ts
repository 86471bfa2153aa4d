import { afterEach, describe, expect, test, vi } from 'vitest';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  vi.resetModules();
});

/** lib/extra.ts as built (not under Vitest): it loads widget-extra.js with a <script>. */
async function builtLoader() {
  vi.stubEnv('VITEST', '');
  vi.resetModules();
  const append = vi.spyOn(document.head, 'append').mockImplementation(() => {});
  const module = await import('../../../widget/src/lib/extra');
  const { kit } = await import('../../../widget/src/lib/kit');
  module.extraScript.src = 'https://parley.test/widget-extra.js';
  return { ...module, kit, append, script: () => append.mock.calls[0]?.[0] as HTMLScriptElement & { k?: unknown; x?: unknown } };
}

describe('loading widget-extra.js', () => {
  test('adds one classic script beside widget.js, hands it the kit, and resolves with what it hands back', async () => {
    const { extra, kit, append, script } = await builtLoader();
    const first = extra();
    const second = extra();
    expect(append).toHaveBeenCalledTimes(1);
    expect(script().src).toBe('https://parley.test/widget-extra.js');
    expect(script().type).toBe('');
    expect(script().k).toBe(kit);
    const exports = { Follow: () => null };
    script().x = exports;
    script().onload!(new Event('load'));
    expect(await first).toBe(exports);
    expect(await second).toBe(exports);
  });

  test('the kit carries what widget-extra.js imports from widget.js', async () => {
    const { kit } = await builtLoader();
    expect(Object.keys(kit).sort()).toEqual(['captcha', 'errorText', 'h', 'moreErrors', 'plural', 'request', 'saveLikes', 'saveOwn', 't'].sort());
  });

  test('when it cannot load (offline, blocked), errors still read: the built-in message, or the generic one', async () => {
    const { extra, explain, script } = await builtLoader();
    const loading = extra();
    script().onerror!(new Event('error'));
    await expect(loading).rejects.toBeTruthy();
    expect(await explain('network_error')).toBe('Could not reach the comment server. Please check your connection.');
    expect(await explain('rate_limited')).toBe('Something went wrong. Please try again.');
  });
});
