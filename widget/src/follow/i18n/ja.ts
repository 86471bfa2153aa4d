import type { FollowStrings } from '../strings';

/** The Follow box's words in Japanese (loaded with the box, only on a page in that language). */
export default {
  locale: 'ja',
  dir: 'ltr',
  followTitle: 'フォロー',
  followPitch: 'このブログの新しい記事を毎回メールでお届けします。',
  followEmailLabel: 'メールアドレス',
  followButton: 'フォロー',
  followSending: '送信中…',
  followJoin: { zero: '最初のフォロワーになりましょう。', other: 'ほかの # 人のフォロワーに加わりましょう。' },
  followSentBox: '受信トレイをご確認ください。お送りしたメールのリンクから確認できます。',
  followInvalidEmail: '有効なメールアドレスを入力してください。',
  followRateLimited: '試行回数が多すぎます。1 分後にもう一度お試しください。',
  followUnavailable: 'ここではフォローできません。',
  followFailed: 'うまくいきませんでした。もう一度お試しください。',
} satisfies FollowStrings;
