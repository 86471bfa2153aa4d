import type { FollowStrings } from '../strings';

/** The Follow box's words in French (loaded with the box, only on a page in that language). */
export default {
  locale: 'fr',
  dir: 'ltr',
  followTitle: 'Suivre',
  followPitch: 'Recevez chaque nouvel article de ce blog dans votre boîte de réception.',
  followEmailLabel: 'Adresse e-mail',
  followButton: 'Suivre',
  followSending: 'Envoi…',
  followJoin: { zero: 'Soyez le premier à suivre ce blog.', one: 'Rejoignez # autre abonné.', other: 'Rejoignez # autres abonnés.' },
  followSentBox: 'Consultez votre boîte de réception\u202f: confirmez avec le lien de l’e-mail que nous venons d’envoyer.',
  followInvalidEmail: 'Saisissez une adresse e-mail valide.',
  followRateLimited: 'Trop de tentatives. Réessayez dans une minute.',
  followUnavailable: 'Le suivi n’est pas disponible ici.',
  followFailed: 'Cela n’a pas fonctionné. Veuillez réessayer.',
} satisfies FollowStrings;
