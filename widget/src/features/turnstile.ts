import type { Captcha } from './features';

/** The Turnstile API the widget uses (https://developers.cloudflare.com/turnstile/get-started/client-side-rendering/). */
interface TurnstileApi {
  render(element: HTMLElement, options: { sitekey: string; callback: (token: string) => void; 'expired-callback': () => void }): string;
  reset(widget: string): void;
}

/** Turnstile's script: loaded only for embeds with `data-turnstile-sitekey`. */
export const TURNSTILE_SCRIPT = 'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit';

/**
 * Opt-in Cloudflare Turnstile, for embeds with `data-turnstile-sitekey`: loads Cloudflare's
 * script (the widget's only third-party request, made only then) and renders the challenge
 * into a light-DOM element slotted into the main form (`<slot name="turnstile">`), outside
 * the shadow root Turnstile's iframe does not expect. Returns the challenge's token, as it goes.
 */
export function startTurnstile(sitekey: string, host: HTMLElement): Captcha {
  const box = document.createElement('div');
  const script = document.createElement('script');
  const captcha = { token: '', reset: () => {} };
  box.slot = 'turnstile';
  host.append(box);
  script.src = TURNSTILE_SCRIPT;
  script.onload = () => {
    const api = (window as unknown as { turnstile: TurnstileApi }).turnstile;
    const id = api.render(box, { sitekey, callback: (token) => (captcha.token = token), 'expired-callback': () => (captcha.token = '') });
    captcha.reset = () => {
      captcha.token = '';
      api.reset(id);
    };
  };
  document.head.append(script);
  return captcha;
}
