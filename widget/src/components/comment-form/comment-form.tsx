import { Component, type InputHTMLAttributes } from 'preact';
import { LIMITS } from '../../../../worker/src/wire';
import { ApiError } from '../../api/transport';
import { en as t } from '../../i18n/en';
import type { Profile } from '../../lib/own-comments';

export interface CommentFormProps {
  /** Name, email and website: shared by every form of the widget, remembered after posting. */
  profile: Profile;
  onProfile: (profile: Profile) => void;
  /** Posts the comment; rejects with an {@link ApiError} when the server refuses it. */
  onSubmit: (body: string, profile: Profile) => Promise<void>;
  /** Given for replies: shows a Cancel button (and Escape cancels). */
  onCancel?: () => void;
  /** Moves focus into the form when it opens (reply forms). */
  autoFocus?: boolean;
}

interface FormState {
  body: string;
  sending: boolean;
  /** What went wrong, and the field at fault (`author`, `email`, `website`, `body`) if it is one. */
  error: { field?: string; text: string } | null;
}

/** Field ids must be unique within the shadow root. */
let forms = 0;

/** The comment (or reply) form. Checks what it can itself; shows the server's verdict for the rest. */
export class CommentForm extends Component<CommentFormProps, FormState> {
  id = `f${forms++}`;
  fields: Record<string, HTMLElement | null> = {};

  constructor(props: CommentFormProps) {
    super(props);
    this.state = { body: '', sending: false, error: null };
  }

  componentDidMount() {
    if (this.props.autoFocus) this.fields.body!.focus();
  }

  /** Shows an error, and takes the reader to the field at fault. */
  fail(error: FormState['error']) {
    this.setState({ error, sending: false }, () => error?.field && this.fields[error.field]!.focus());
  }

  submit = async (event: Event) => {
    event.preventDefault();
    const { profile, onProfile, onSubmit } = this.props;
    const { body } = this.state;
    let website = profile.website.trim();
    // People type "example.com"; the server wants a full address.
    if (website && !/^https?:\/\//i.test(website)) website = `https://${website}`;
    const sent = { author: profile.author.trim(), email: profile.email.trim(), website };
    onProfile(sent);
    const missing = !sent.author ? 'author' : !body.trim() ? 'body' : '';
    if (missing) return this.fail({ field: missing, text: t.fieldErrors[missing]! });
    this.setState({ error: null, sending: true });
    try {
      await onSubmit(body, sent);
      this.setState({ body: '', sending: false });
    } catch (failure) {
      const { code, field = '' } = failure instanceof ApiError ? failure : new ApiError(0, 'internal_error', '');
      const text = code === 'invalid_request' && t.fieldErrors[field];
      this.fail(text ? { field, text } : { text: t.errors[code] });
    }
  };

  render({ profile, onProfile, onCancel }: CommentFormProps, { body, sending, error }: FormState) {
    const id = this.id;
    /** Props tying a field to its label, its error and the hint. */
    const wire = (field: string) => ({
      id: id + field,
      ref: (element: HTMLElement | null) => void (this.fields[field] = element),
      'aria-invalid': error?.field === field || undefined,
      'aria-describedby': (error?.field === field ? `${id}${field}-error ` : '') + `${id}hint`,
    });
    const fieldError = (field: string) =>
      error?.field === field && (
        <p class="field-error" id={`${id}${field}-error`} role="alert">
          {error.text}
        </p>
      );
    const input = (field: keyof Profile, label: string, attributes: InputHTMLAttributes<HTMLInputElement>) => (
      <div class="field">
        <label for={id + field}>{label}</label>
        <input
          {...wire(field)}
          {...attributes}
          maxLength={LIMITS[field]}
          value={profile[field]}
          onInput={(event) => onProfile({ ...profile, [field]: event.currentTarget.value })}
        />
        {fieldError(field)}
      </div>
    );

    return (
      <form class="form" onSubmit={this.submit} noValidate>
        <div class="field">
          <label for={`${id}body`}>{t.comment}</label>
          <textarea
            {...wire('body')}
            rows={4}
            required
            maxLength={LIMITS.body}
            placeholder={t.placeholder}
            value={body}
            onInput={(event) => this.setState({ body: event.currentTarget.value })}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) event.currentTarget.form!.requestSubmit();
              if (event.key === 'Escape') onCancel?.();
            }}
          />
          {fieldError('body')}
        </div>
        <div class="fields">
          {input('author', t.name, { type: 'text', autocomplete: 'name', required: true })}
          {input('email', t.email, { type: 'email', autocomplete: 'email' })}
          {input('website', t.website, { type: 'url', autocomplete: 'url' })}
        </div>
        {error && !error.field && (
          <p class="error" role="alert">
            {error.text}
          </p>
        )}
        <div class="form-footer">
          <p class="hint" id={`${id}hint`}>
            {t.hint}
          </p>
          {onCancel && (
            <button type="button" class="button secondary" onClick={onCancel}>
              {t.cancel}
            </button>
          )}
          <button type="submit" class="button primary" disabled={sending}>
            {sending ? t.posting : t.post}
          </button>
        </div>
      </form>
    );
  }
}
