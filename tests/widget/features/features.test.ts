import { afterEach, describe, expect, test, vi } from 'vitest';
import { featureLoader, type Features } from '../../../widget/src/features/features';
import { errorText, rareErrors } from '../../../widget/src/lib/i18n';
import { loadFeatures } from '../helpers/render';

afterEach(() => {
  for (const key of Object.keys(rareErrors)) delete rareErrors[key];
});

describe('loading widget-extra.js', () => {
  test('happens once, however many features ask for it; its rare error messages become known', async () => {
    expect(errorText('rate_limited')).toBe('Something went wrong. Please try again.');
    const load = vi.fn(loadFeatures);
    const features = featureLoader(load);
    const [first, second] = await Promise.all([features(), features()]);
    expect(first).toBe(second);
    expect(load).toHaveBeenCalledTimes(1);
    expect(errorText('rate_limited')).toBe('You are posting too fast. Please wait a minute.');
  });

  test('is tried again after it failed (offline a moment), instead of failing for good', async () => {
    let online = false;
    const load = vi.fn(() => (online ? loadFeatures() : Promise.reject(new TypeError('Failed to fetch'))));
    const features = featureLoader(load as () => Promise<Features>);
    await expect(features()).rejects.toThrow('Failed to fetch');
    online = true;
    expect(typeof (await features()).openForm).toBe('function');
    expect(load).toHaveBeenCalledTimes(2);
  });
});
