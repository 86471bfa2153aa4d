import type { ComponentType, createElement } from 'preact';
import type { ExtraStrings } from '../../i18n/en-extra';

export interface FollowFormProps {
  onFollow: (email: string) => void;
}

/**
 * "Follow this thread", opened: an email field and a button. The server mails a confirmation
 * link (double opt-in) and answers the same whether or not the address already follows.
 *
 * It comes with widget-extra.js, made with widget.js's Preact (`h`), in `strings`' words, its
 * field filled with `email` (the one the reader gave before, if any).
 */
export function followForm(h: typeof createElement, strings: Pick<ExtraStrings, 'followEmail' | 'followButton'>, email: string): ComponentType<FollowFormProps> {
  return ({ onFollow }) =>
    h(
      'form',
      {
        class: 'row',
        onSubmit: (event: Event) => {
          event.preventDefault();
          onFollow(((event.currentTarget as HTMLFormElement).elements.namedItem('email') as HTMLInputElement).value.trim());
        },
      },
      h('label', null, strings.followEmail, h('input', { name: 'email', type: 'email', required: true, autocomplete: 'email', defaultValue: email })),
      h('button', null, strings.followButton),
    );
}
