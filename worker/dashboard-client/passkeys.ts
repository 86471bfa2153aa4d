/**
 * The dashboard's passkey ceremonies, served from /admin/passkeys.js (same origin; the CSP allows
 * no inline script). Built by `npm run build` with @simplewebauthn/browser into one small file;
 * the widget never loads it. Every other dashboard action works without script: only the
 * browser's WebAuthn API needs it.
 *
 *   <button data-passkey="sign-in" hidden>      signs in with a passkey of this site
 *   <button data-passkey="register" hidden>     adds a passkey to the signed-in account
 *   <input id="passkey-name">                   the name the new passkey gets (optional)
 *   <p id="passkey-status" role="status">       where progress and errors are shown
 */
import { browserSupportsWebAuthn, startAuthentication, startRegistration } from '@simplewebauthn/browser';

const status = (text: string, isError = false) => {
  const element = document.getElementById('passkey-status');
  if (!element) return;
  element.textContent = text;
  element.classList.toggle('error', isError);
};

async function post<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json().catch(() => ({}))) as T & { error?: { message?: string } };
  if (!response.ok) throw new Error(answer.error?.message ?? `The server answered ${response.status}.`);
  return answer;
}

/** A browser's refusal in words a person understands (the user closed the prompt, no authenticator…). */
function explain(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'NotAllowedError') return 'The passkey prompt was closed or timed out. Try again.';
    if (error.name === 'InvalidStateError') return 'This device already holds a passkey for your account.';
    return error.message;
  }
  return 'Something went wrong. Try again.';
}

async function signIn(button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  status('Waiting for your passkey…');
  try {
    const { flow, options } = await post<{ flow: string; options: Parameters<typeof startAuthentication>[0]['optionsJSON'] }>('/admin/passkeys/sign-in/options', {});
    const response = await startAuthentication({ optionsJSON: options });
    const { redirect } = await post<{ redirect: string }>('/admin/passkeys/sign-in/verify', { flow, response });
    status('Signed in.');
    window.location.assign(redirect);
  } catch (error) {
    status(explain(error), true);
    button.disabled = false;
  }
}

async function register(button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  status('Follow your browser’s prompt to create the passkey…');
  try {
    const { flow, options } = await post<{ flow: string; options: Parameters<typeof startRegistration>[0]['optionsJSON'] }>('/admin/passkeys/register/options', {});
    const response = await startRegistration({ optionsJSON: options });
    const name = (document.getElementById('passkey-name') as HTMLInputElement | null)?.value ?? '';
    const { redirect } = await post<{ redirect: string }>('/admin/passkeys/register/verify', { flow, response, name });
    status('Passkey added.');
    window.location.assign(redirect);
  } catch (error) {
    status(explain(error), true);
    button.disabled = false;
  }
}

const buttons = [...document.querySelectorAll<HTMLButtonElement>('button[data-passkey]')];
if (buttons.length > 0) {
  if (!browserSupportsWebAuthn()) {
    status('This browser does not support passkeys: use a sign-in link instead.');
  } else {
    for (const button of buttons) {
      button.hidden = false;
      button.addEventListener('click', () => void (button.dataset.passkey === 'register' ? register(button) : signIn(button)));
    }
  }
}
