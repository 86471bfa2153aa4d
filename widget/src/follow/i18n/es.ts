import type { FollowStrings } from '../strings';

/** The Follow box's words in Spanish (loaded with the box, only on a page in that language). */
export default {
  locale: 'es',
  dir: 'ltr',
  followTitle: 'Seguir',
  followPitch: 'Recibe cada nueva entrada de este blog en tu bandeja de entrada.',
  followEmailLabel: 'Correo electrónico',
  followButton: 'Seguir',
  followSending: 'Enviando…',
  followJoin: { zero: 'Sé la primera persona en seguirlo.', one: 'Únete a # seguidor más.', other: 'Únete a otros # seguidores.' },
  followSentBox: 'Revisa tu bandeja de entrada: confirma con el enlace del correo que te acabamos de enviar.',
  followInvalidEmail: 'Escribe una dirección de correo válida.',
  followRateLimited: 'Demasiados intentos. Vuelve a intentarlo en un minuto.',
  followUnavailable: 'Aquí no es posible seguir este blog.',
  followFailed: 'No ha funcionado. Inténtalo de nuevo.',
} satisfies FollowStrings;
