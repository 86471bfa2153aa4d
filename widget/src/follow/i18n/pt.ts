import type { FollowStrings } from '../strings';

/** The Follow box's words in Portuguese (loaded with the box, only on a page in that language). */
export default {
  locale: 'pt',
  dir: 'ltr',
  followTitle: 'Seguir',
  followPitch: 'Receba cada novo post deste blog na sua caixa de entrada.',
  followEmailLabel: 'Endereço de e-mail',
  followButton: 'Seguir',
  followSending: 'Enviando…',
  followJoin: { zero: 'Seja o primeiro a seguir.', one: 'Junte-se a # outro seguidor.', other: 'Junte-se a # outros seguidores.' },
  followSentBox: 'Confira sua caixa de entrada: confirme pelo link do e-mail que acabamos de enviar.',
  followInvalidEmail: 'Digite um endereço de e-mail válido.',
  followRateLimited: 'Muitas tentativas. Tente de novo em um minuto.',
  followUnavailable: 'Não é possível seguir por aqui.',
  followFailed: 'Não deu certo. Tente de novo.',
} satisfies FollowStrings;
