import { Component, type ComponentType } from 'preact';
import type { FormSlotProps } from '../../features/features';
import { strings } from '../../lib/i18n';

export interface CommentBoxProps {
  /** The comment form, once widget-extra.js has brought it: it replaces the box. */
  form: ComponentType<FormSlotProps> | null;
  /** The reader came into the box: bring the form. */
  onOpen: () => void;
}

/**
 * The main comment form as the first paint shows it: the comment box alone, labelled as the
 * form's own. Coming into it brings the form (widget-extra.js), which replaces it and takes over
 * what was typed meanwhile, the caret and focus: it is given the box (whose text and caret
 * outlive it), and whether it had focus, read before the box leaves the page.
 */
export class CommentBox extends Component<CommentBoxProps> {
  #box?: HTMLTextAreaElement | null;

  render({ form: Form, onOpen }: CommentBoxProps) {
    const box = this.#box;
    return Form ? (
      <Form box={box} focused={box?.matches(':focus')} />
    ) : (
      <div class="field">
        <label for="box">{strings.comment}</label>
        <textarea id="box" ref={(box) => void (this.#box = box)} rows={4} placeholder={strings.placeholder} onFocus={onOpen} />
      </div>
    );
  }
}
