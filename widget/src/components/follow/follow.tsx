import { extraClient } from '../../api/extra-client';
import type { ApiError } from '../../api/transport';
import { tx } from '../../i18n/en-extra';
import type { App } from '../app/app';

/**
 * "Follow this thread", opened: an email field and a button. The server mails a confirmation
 * link (double opt-in) and answers the same whether or not the address already follows.
 */
export function Follow({ app }: { app: App }) {
  const { api, site, thread } = app.props;
  const { follow = app.state.profile.email } = app.state;
  const strings = tx();
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      await extraClient(api.base).follow({ site, thread, email: follow.trim() });
      app.say(strings.followSent);
    } catch (error) {
      app.fail(error as ApiError);
    }
  };
  return (
    <form class="row" onSubmit={submit}>
      <label>
        {strings.followEmail}
        <input type="email" required autocomplete="email" value={follow} onInput={(event) => app.setState({ follow: event.currentTarget.value })} />
      </label>
      <button>{strings.followButton}</button>
    </form>
  );
}
