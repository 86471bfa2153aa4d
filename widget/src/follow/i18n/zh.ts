import type { FollowStrings } from '../strings';

/** The Follow box's words in Chinese (loaded with the box, only on a page in that language). */
export default {
  locale: 'zh',
  dir: 'ltr',
  followTitle: '关注',
  followPitch: '本博客的每篇新文章都会发送到你的收件箱。',
  followEmailLabel: '电子邮件地址',
  followButton: '关注',
  followSending: '正在提交…',
  followJoin: { zero: '成为第一位关注者。', other: '加入其他 # 位关注者。' },
  followSentBox: '请查收邮件：点击我们刚刚发送的邮件中的链接进行确认。',
  followInvalidEmail: '请输入有效的电子邮件地址。',
  followRateLimited: '尝试次数过多，请一分钟后再试。',
  followUnavailable: '此处无法关注。',
  followFailed: '操作未成功，请重试。',
} satisfies FollowStrings;
