import type { FollowStrings } from '../strings';

/** The Follow box's words in Arabic, right to left (loaded with the box, only on a page in that language). */
export default {
  locale: 'ar',
  dir: 'rtl',
  followTitle: 'متابعة',
  followPitch: 'احصل على كل تدوينة جديدة في هذه المدونة في بريدك الوارد.',
  followEmailLabel: 'عنوان البريد الإلكتروني',
  followButton: 'تابِع',
  followSending: 'جارٍ الإرسال…',
  followJoin: {
    zero: 'كن أول من يتابع.',
    one: 'انضم إلى متابع واحد.',
    two: 'انضم إلى متابعَين اثنين.',
    few: 'انضم إلى # متابعين آخرين.',
    many: 'انضم إلى # متابعًا آخر.',
    other: 'انضم إلى # متابع آخر.',
  },
  followSentBox: 'تحقّق من بريدك الوارد: أكّد عبر الرابط في الرسالة التي أرسلناها للتو.',
  followInvalidEmail: 'أدخل عنوان بريد إلكتروني صالحًا.',
  followRateLimited: 'محاولات كثيرة جدًا. حاول مرة أخرى بعد دقيقة.',
  followUnavailable: 'المتابعة غير متاحة هنا.',
  followFailed: 'لم ينجح ذلك. يُرجى المحاولة مرة أخرى.',
} satisfies FollowStrings;
