import type { FollowStrings } from '../strings';

/** The Follow box's words in German (loaded with the box, only on a page in that language). */
export default {
  locale: 'de',
  dir: 'ltr',
  followTitle: 'Folgen',
  followPitch: 'Erhalten Sie jeden neuen Beitrag dieses Blogs in Ihren Posteingang.',
  followEmailLabel: 'E-Mail-Adresse',
  followButton: 'Folgen',
  followSending: 'Wird gesendet …',
  followJoin: { zero: 'Folgen Sie als Erste oder Erster.', one: 'Schließen Sie sich # weiteren Person an.', other: 'Schließen Sie sich # weiteren Personen an.' },
  followSentBox: 'Sehen Sie in Ihrem Posteingang nach: Bestätigen Sie mit dem Link in der E-Mail, die wir gerade gesendet haben.',
  followInvalidEmail: 'Geben Sie eine gültige E-Mail-Adresse ein.',
  followRateLimited: 'Zu viele Versuche. Versuchen Sie es in einer Minute erneut.',
  followUnavailable: 'Folgen ist hier nicht verfügbar.',
  followFailed: 'Das hat nicht geklappt. Bitte versuchen Sie es erneut.',
} satisfies FollowStrings;
