import type { SiteLanguage } from '../config/sites';

/**
 * The words of follower mail and of the pages its links open, in the widget's eight languages.
 * Mail and pages are in the site's `language` (docs/configuration.md). `{name}` is replaced by
 * a value; a plural is chosen with `Intl.PluralRules` and `#` is the number.
 *
 * @example
 * text('de').confirmButton                     // 'Bestätigen'
 * fill(text('fr').confirmSubject, { site })    // 'Confirmez : suivre Field Notes'
 */
export interface Plural {
  zero?: string;
  one?: string;
  two?: string;
  few?: string;
  many?: string;
  other: string;
}

export interface FollowText {
  // Mail.
  confirmSubject: string;
  confirmBody: string;
  inviteBody: string;
  alreadySubject: string;
  alreadyBody: string;
  postSubject: string;
  readPost: string;
  footer: string;
  footerManage: string;
  footerUnsubscribe: string;
  digestDaily: string;
  digestWeekly: string;
  newPosts: Plural;
  digestIntro: string;
  // Pages.
  confirmTitle: string;
  confirmQuestion: string;
  confirmButton: string;
  confirmedTitle: string;
  confirmedText: string;
  manageLink: string;
  invalidTitle: string;
  invalidText: string;
  notFollowingTitle: string;
  notFollowingText: string;
  unsubscribeTitle: string;
  unsubscribeQuestion: string;
  unsubscribeButton: string;
  unsubscribedTitle: string;
  unsubscribedText: string;
  manageTitle: string;
  manageFor: string;
  deliveryLegend: string;
  modeEach: string;
  modeDaily: string;
  modeWeekly: string;
  commentsLegend: string;
  repliesLabel: string;
  threadsLabel: string;
  save: string;
  saved: string;
  stopAll: string;
  stopAllHint: string;
  stoppedText: string;
}

const en: FollowText = {
  confirmSubject: 'Confirm: follow {site}',
  confirmBody: 'Someone (hopefully you) asked to get every new post on {site} by email.\n\nTo confirm, open this link:\n{url}\n\nIf it was not you, ignore this message: nothing more will be sent to you.',
  inviteBody: 'The owner of {site} added this address to its followers. To get every new post by email, confirm here:\n{url}\n\nIf you do not confirm, nothing more will be sent to you.',
  alreadySubject: 'You already follow {site}',
  alreadyBody: 'Someone (hopefully you) asked to follow {site} with this address. It follows already: nothing has changed.\n\nTo get each post or a digest, or to stop, open:\n{url}',
  postSubject: '[{site}] {title}',
  readPost: 'Read the post: {url}',
  footer: 'You get this because you follow {site}.',
  footerManage: 'Each post, a daily or weekly digest, replies to your comments: {url}',
  footerUnsubscribe: 'Unsubscribe with one click: {url}',
  digestDaily: '{site}: daily digest',
  digestWeekly: '{site}: weekly digest',
  newPosts: { one: '# new post', other: '# new posts' },
  digestIntro: 'New on {site} since the last digest:',
  confirmTitle: 'Follow {site}',
  confirmQuestion: 'Get every new post on {site} by email at {email}?',
  confirmButton: 'Confirm',
  confirmedTitle: 'You follow {site}',
  confirmedText: 'Every mail has a link to choose a digest instead, or to stop with one click.',
  manageLink: 'Manage your subscription',
  invalidTitle: 'This link does not work',
  invalidText: 'It is not valid, or it has expired. Follow the blog again from its Follow box to get a new one.',
  notFollowingTitle: 'Not following',
  notFollowingText: 'This address does not follow {site}.',
  unsubscribeTitle: 'Unsubscribe',
  unsubscribeQuestion: 'Stop emailing {email} about new posts on {site}?',
  unsubscribeButton: 'Unsubscribe',
  unsubscribedTitle: 'Unsubscribed',
  unsubscribedText: 'You will get no more mail from {site}.',
  manageTitle: 'Your subscription to {site}',
  manageFor: 'Mail goes to {email}.',
  deliveryLegend: 'Send me new posts',
  modeEach: 'Each post, as it is published',
  modeDaily: 'A daily digest',
  modeWeekly: 'A weekly digest',
  commentsLegend: 'Comments',
  repliesLabel: 'Email me replies to my comments',
  threadsLabel: 'Email me new comments on the posts I follow',
  save: 'Save',
  saved: 'Saved.',
  stopAll: 'Unsubscribe from everything',
  stopAllHint: 'No more mail from {site}: no posts, no digests, no comments.',
  stoppedText: 'You will get no more mail from {site}: no posts, no digests, no comments.',
};

const de: FollowText = {
  confirmSubject: 'Bestätigen: {site} folgen',
  confirmBody: 'Jemand (hoffentlich Sie) möchte jeden neuen Beitrag auf {site} per E-Mail erhalten.\n\nZum Bestätigen öffnen Sie diesen Link:\n{url}\n\nWaren Sie es nicht, ignorieren Sie diese Nachricht: Sie erhalten nichts weiter.',
  inviteBody: 'Der Betreiber von {site} hat diese Adresse zu den Abonnenten hinzugefügt. Um jeden neuen Beitrag per E-Mail zu erhalten, bestätigen Sie hier:\n{url}\n\nWenn Sie nicht bestätigen, erhalten Sie nichts weiter.',
  alreadySubject: 'Sie folgen {site} bereits',
  alreadyBody: 'Jemand (hoffentlich Sie) wollte {site} mit dieser Adresse folgen. Sie folgt bereits: Es hat sich nichts geändert.\n\nUm jeden Beitrag oder eine Zusammenfassung zu erhalten oder um abzubestellen, öffnen Sie:\n{url}',
  postSubject: '[{site}] {title}',
  readPost: 'Zum Beitrag: {url}',
  footer: 'Sie erhalten diese E-Mail, weil Sie {site} folgen.',
  footerManage: 'Jeder Beitrag, tägliche oder wöchentliche Zusammenfassung, Antworten auf Ihre Kommentare: {url}',
  footerUnsubscribe: 'Mit einem Klick abbestellen: {url}',
  digestDaily: '{site}: tägliche Zusammenfassung',
  digestWeekly: '{site}: wöchentliche Zusammenfassung',
  newPosts: { one: '# neuer Beitrag', other: '# neue Beiträge' },
  digestIntro: 'Neu auf {site} seit der letzten Zusammenfassung:',
  confirmTitle: '{site} folgen',
  confirmQuestion: 'Jeden neuen Beitrag auf {site} per E-Mail an {email} erhalten?',
  confirmButton: 'Bestätigen',
  confirmedTitle: 'Sie folgen {site}',
  confirmedText: 'Jede E-Mail enthält einen Link, um stattdessen eine Zusammenfassung zu wählen oder mit einem Klick abzubestellen.',
  manageLink: 'Abonnement verwalten',
  invalidTitle: 'Dieser Link funktioniert nicht',
  invalidText: 'Er ist ungültig oder abgelaufen. Folgen Sie dem Blog erneut über das Folgen-Feld, um einen neuen zu erhalten.',
  notFollowingTitle: 'Kein Abonnement',
  notFollowingText: 'Diese Adresse folgt {site} nicht.',
  unsubscribeTitle: 'Abbestellen',
  unsubscribeQuestion: 'Keine E-Mails mehr an {email} über neue Beiträge auf {site} senden?',
  unsubscribeButton: 'Abbestellen',
  unsubscribedTitle: 'Abbestellt',
  unsubscribedText: 'Sie erhalten keine E-Mails mehr von {site}.',
  manageTitle: 'Ihr Abonnement von {site}',
  manageFor: 'E-Mails gehen an {email}.',
  deliveryLegend: 'Neue Beiträge senden',
  modeEach: 'Jeden Beitrag, sobald er erscheint',
  modeDaily: 'Eine tägliche Zusammenfassung',
  modeWeekly: 'Eine wöchentliche Zusammenfassung',
  commentsLegend: 'Kommentare',
  repliesLabel: 'Antworten auf meine Kommentare per E-Mail',
  threadsLabel: 'Neue Kommentare zu den Beiträgen, denen ich folge, per E-Mail',
  save: 'Speichern',
  saved: 'Gespeichert.',
  stopAll: 'Alles abbestellen',
  stopAllHint: 'Keine E-Mails mehr von {site}: keine Beiträge, keine Zusammenfassungen, keine Kommentare.',
  stoppedText: 'Sie erhalten keine E-Mails mehr von {site}: keine Beiträge, keine Zusammenfassungen, keine Kommentare.',
};

const fr: FollowText = {
  confirmSubject: 'Confirmez : suivre {site}',
  confirmBody: 'Quelqu’un (vous, espérons-le) a demandé à recevoir par e-mail chaque nouvel article de {site}.\n\nPour confirmer, ouvrez ce lien :\n{url}\n\nSi ce n’était pas vous, ignorez ce message : vous ne recevrez rien d’autre.',
  inviteBody: 'Le propriétaire de {site} a ajouté cette adresse à ses abonnés. Pour recevoir chaque nouvel article par e-mail, confirmez ici :\n{url}\n\nSans confirmation, vous ne recevrez rien d’autre.',
  alreadySubject: 'Vous suivez déjà {site}',
  alreadyBody: 'Quelqu’un (vous, espérons-le) a demandé à suivre {site} avec cette adresse. Elle le suit déjà : rien n’a changé.\n\nPour recevoir chaque article ou un résumé, ou pour arrêter, ouvrez :\n{url}',
  postSubject: '[{site}] {title}',
  readPost: 'Lire l’article : {url}',
  footer: 'Vous recevez ce message parce que vous suivez {site}.',
  footerManage: 'Chaque article, un résumé quotidien ou hebdomadaire, les réponses à vos commentaires : {url}',
  footerUnsubscribe: 'Se désabonner en un clic : {url}',
  digestDaily: '{site} : résumé du jour',
  digestWeekly: '{site} : résumé de la semaine',
  newPosts: { one: '# nouvel article', other: '# nouveaux articles' },
  digestIntro: 'Nouveau sur {site} depuis le dernier résumé :',
  confirmTitle: 'Suivre {site}',
  confirmQuestion: 'Recevoir chaque nouvel article de {site} par e-mail à {email} ?',
  confirmButton: 'Confirmer',
  confirmedTitle: 'Vous suivez {site}',
  confirmedText: 'Chaque e-mail contient un lien pour choisir plutôt un résumé, ou pour vous désabonner en un clic.',
  manageLink: 'Gérer votre abonnement',
  invalidTitle: 'Ce lien ne fonctionne pas',
  invalidText: 'Il n’est pas valide ou il a expiré. Suivez de nouveau le blog depuis son encadré « Suivre » pour en recevoir un nouveau.',
  notFollowingTitle: 'Aucun abonnement',
  notFollowingText: 'Cette adresse ne suit pas {site}.',
  unsubscribeTitle: 'Se désabonner',
  unsubscribeQuestion: 'Ne plus écrire à {email} au sujet des nouveaux articles de {site} ?',
  unsubscribeButton: 'Se désabonner',
  unsubscribedTitle: 'Désabonnement effectué',
  unsubscribedText: 'Vous ne recevrez plus d’e-mails de {site}.',
  manageTitle: 'Votre abonnement à {site}',
  manageFor: 'Les e-mails sont envoyés à {email}.',
  deliveryLegend: 'M’envoyer les nouveaux articles',
  modeEach: 'Chaque article, dès sa publication',
  modeDaily: 'Un résumé quotidien',
  modeWeekly: 'Un résumé hebdomadaire',
  commentsLegend: 'Commentaires',
  repliesLabel: 'M’écrire quand on répond à mes commentaires',
  threadsLabel: 'M’écrire pour les nouveaux commentaires des articles que je suis',
  save: 'Enregistrer',
  saved: 'Enregistré.',
  stopAll: 'Se désabonner de tout',
  stopAllHint: 'Plus aucun e-mail de {site} : ni articles, ni résumés, ni commentaires.',
  stoppedText: 'Vous ne recevrez plus aucun e-mail de {site} : ni articles, ni résumés, ni commentaires.',
};

const es: FollowText = {
  confirmSubject: 'Confirma: seguir {site}',
  confirmBody: 'Alguien (esperamos que tú) pidió recibir por correo cada nueva entrada de {site}.\n\nPara confirmarlo, abre este enlace:\n{url}\n\nSi no fuiste tú, ignora este mensaje: no recibirás nada más.',
  inviteBody: 'El responsable de {site} añadió esta dirección a sus seguidores. Para recibir cada nueva entrada por correo, confírmalo aquí:\n{url}\n\nSi no lo confirmas, no recibirás nada más.',
  alreadySubject: 'Ya sigues {site}',
  alreadyBody: 'Alguien (esperamos que tú) pidió seguir {site} con esta dirección. Ya lo sigue: no ha cambiado nada.\n\nPara recibir cada entrada o un resumen, o para dejar de recibirlas, abre:\n{url}',
  postSubject: '[{site}] {title}',
  readPost: 'Leer la entrada: {url}',
  footer: 'Recibes esto porque sigues {site}.',
  footerManage: 'Cada entrada, un resumen diario o semanal, respuestas a tus comentarios: {url}',
  footerUnsubscribe: 'Darse de baja con un clic: {url}',
  digestDaily: '{site}: resumen diario',
  digestWeekly: '{site}: resumen semanal',
  newPosts: { one: '# entrada nueva', other: '# entradas nuevas' },
  digestIntro: 'Novedades en {site} desde el último resumen:',
  confirmTitle: 'Seguir {site}',
  confirmQuestion: '¿Recibir cada nueva entrada de {site} por correo en {email}?',
  confirmButton: 'Confirmar',
  confirmedTitle: 'Sigues {site}',
  confirmedText: 'Cada correo trae un enlace para elegir un resumen o para darte de baja con un clic.',
  manageLink: 'Gestionar tu suscripción',
  invalidTitle: 'Este enlace no funciona',
  invalidText: 'No es válido o ha caducado. Vuelve a seguir el blog desde su recuadro «Seguir» para recibir uno nuevo.',
  notFollowingTitle: 'Sin suscripción',
  notFollowingText: 'Esta dirección no sigue {site}.',
  unsubscribeTitle: 'Darse de baja',
  unsubscribeQuestion: '¿Dejar de escribir a {email} sobre las nuevas entradas de {site}?',
  unsubscribeButton: 'Darse de baja',
  unsubscribedTitle: 'Baja completada',
  unsubscribedText: 'No recibirás más correos de {site}.',
  manageTitle: 'Tu suscripción a {site}',
  manageFor: 'Los correos van a {email}.',
  deliveryLegend: 'Enviarme las nuevas entradas',
  modeEach: 'Cada entrada, en cuanto se publique',
  modeDaily: 'Un resumen diario',
  modeWeekly: 'Un resumen semanal',
  commentsLegend: 'Comentarios',
  repliesLabel: 'Avisarme por correo de las respuestas a mis comentarios',
  threadsLabel: 'Avisarme por correo de los nuevos comentarios en las entradas que sigo',
  save: 'Guardar',
  saved: 'Guardado.',
  stopAll: 'Darse de baja de todo',
  stopAllHint: 'Ningún correo más de {site}: ni entradas, ni resúmenes, ni comentarios.',
  stoppedText: 'No recibirás más correos de {site}: ni entradas, ni resúmenes, ni comentarios.',
};

const pt: FollowText = {
  confirmSubject: 'Confirme: seguir {site}',
  confirmBody: 'Alguém (esperamos que você) pediu para receber por e-mail cada novo post de {site}.\n\nPara confirmar, abra este link:\n{url}\n\nSe não foi você, ignore esta mensagem: você não receberá mais nada.',
  inviteBody: 'O dono de {site} adicionou este endereço aos seguidores. Para receber cada novo post por e-mail, confirme aqui:\n{url}\n\nSe você não confirmar, não receberá mais nada.',
  alreadySubject: 'Você já segue {site}',
  alreadyBody: 'Alguém (esperamos que você) pediu para seguir {site} com este endereço. Ele já segue: nada mudou.\n\nPara receber cada post ou um resumo, ou para parar, abra:\n{url}',
  postSubject: '[{site}] {title}',
  readPost: 'Leia o post: {url}',
  footer: 'Você recebe isto porque segue {site}.',
  footerManage: 'Cada post, um resumo diário ou semanal, respostas aos seus comentários: {url}',
  footerUnsubscribe: 'Cancelar a inscrição com um clique: {url}',
  digestDaily: '{site}: resumo diário',
  digestWeekly: '{site}: resumo semanal',
  newPosts: { one: '# post novo', other: '# posts novos' },
  digestIntro: 'Novidades em {site} desde o último resumo:',
  confirmTitle: 'Seguir {site}',
  confirmQuestion: 'Receber cada novo post de {site} por e-mail em {email}?',
  confirmButton: 'Confirmar',
  confirmedTitle: 'Você segue {site}',
  confirmedText: 'Cada e-mail traz um link para escolher um resumo ou para cancelar com um clique.',
  manageLink: 'Gerenciar sua inscrição',
  invalidTitle: 'Este link não funciona',
  invalidText: 'Ele não é válido ou expirou. Siga o blog de novo pela caixa “Seguir” para receber um novo.',
  notFollowingTitle: 'Sem inscrição',
  notFollowingText: 'Este endereço não segue {site}.',
  unsubscribeTitle: 'Cancelar inscrição',
  unsubscribeQuestion: 'Parar de enviar e-mails para {email} sobre novos posts de {site}?',
  unsubscribeButton: 'Cancelar inscrição',
  unsubscribedTitle: 'Inscrição cancelada',
  unsubscribedText: 'Você não receberá mais e-mails de {site}.',
  manageTitle: 'Sua inscrição em {site}',
  manageFor: 'Os e-mails vão para {email}.',
  deliveryLegend: 'Enviar novos posts',
  modeEach: 'Cada post, assim que for publicado',
  modeDaily: 'Um resumo diário',
  modeWeekly: 'Um resumo semanal',
  commentsLegend: 'Comentários',
  repliesLabel: 'Avisar por e-mail sobre respostas aos meus comentários',
  threadsLabel: 'Avisar por e-mail sobre novos comentários nos posts que sigo',
  save: 'Salvar',
  saved: 'Salvo.',
  stopAll: 'Cancelar tudo',
  stopAllHint: 'Nenhum e-mail mais de {site}: nem posts, nem resumos, nem comentários.',
  stoppedText: 'Você não receberá mais e-mails de {site}: nem posts, nem resumos, nem comentários.',
};

const zh: FollowText = {
  confirmSubject: '请确认：关注 {site}',
  confirmBody: '有人（希望是你）希望通过电子邮件接收 {site} 的每一篇新文章。\n\n请打开此链接确认：\n{url}\n\n如果不是你本人，请忽略此邮件：你不会再收到任何邮件。',
  inviteBody: '{site} 的站长将此地址加入了关注者名单。如需通过电子邮件接收每一篇新文章，请在此确认：\n{url}\n\n如果你不确认，就不会再收到任何邮件。',
  alreadySubject: '你已关注 {site}',
  alreadyBody: '有人（希望是你）想用此地址关注 {site}。该地址已在关注：没有任何变化。\n\n如需接收每篇文章或摘要，或停止接收，请打开：\n{url}',
  postSubject: '[{site}] {title}',
  readPost: '阅读全文：{url}',
  footer: '你收到此邮件，是因为你关注了 {site}。',
  footerManage: '每篇文章、每日或每周摘要、对你评论的回复：{url}',
  footerUnsubscribe: '一键退订：{url}',
  digestDaily: '{site}：每日摘要',
  digestWeekly: '{site}：每周摘要',
  newPosts: { other: '# 篇新文章' },
  digestIntro: '自上次摘要以来 {site} 的新内容：',
  confirmTitle: '关注 {site}',
  confirmQuestion: '通过电子邮件将 {site} 的每一篇新文章发送到 {email}？',
  confirmButton: '确认',
  confirmedTitle: '你已关注 {site}',
  confirmedText: '每封邮件都附有链接，可改为接收摘要，或一键退订。',
  manageLink: '管理你的订阅',
  invalidTitle: '此链接无效',
  invalidText: '链接无效或已过期。请通过博客的“关注”框重新关注，以获取新链接。',
  notFollowingTitle: '未关注',
  notFollowingText: '此地址没有关注 {site}。',
  unsubscribeTitle: '退订',
  unsubscribeQuestion: '不再向 {email} 发送 {site} 的新文章？',
  unsubscribeButton: '退订',
  unsubscribedTitle: '已退订',
  unsubscribedText: '你将不会再收到 {site} 的邮件。',
  manageTitle: '你对 {site} 的订阅',
  manageFor: '邮件发送至 {email}。',
  deliveryLegend: '新文章发送方式',
  modeEach: '每篇文章，发布后立即发送',
  modeDaily: '每日摘要',
  modeWeekly: '每周摘要',
  commentsLegend: '评论',
  repliesLabel: '有人回复我的评论时发邮件通知我',
  threadsLabel: '我关注的文章有新评论时发邮件通知我',
  save: '保存',
  saved: '已保存。',
  stopAll: '全部退订',
  stopAllHint: '不再接收 {site} 的任何邮件：文章、摘要和评论。',
  stoppedText: '你将不会再收到 {site} 的任何邮件：文章、摘要和评论。',
};

const ja: FollowText = {
  confirmSubject: '確認：{site} をフォロー',
  confirmBody: 'どなたか（あなたであることを願います）が、{site} の新しい記事をすべてメールで受け取るよう申し込みました。\n\n確認するには、次のリンクを開いてください：\n{url}\n\nお心当たりがない場合は、このメールを無視してください。これ以上何も送られません。',
  inviteBody: '{site} の管理者がこのアドレスをフォロワーに追加しました。新しい記事をすべてメールで受け取るには、こちらで確認してください：\n{url}\n\n確認しない場合、これ以上何も送られません。',
  alreadySubject: 'すでに {site} をフォローしています',
  alreadyBody: 'どなたか（あなたであることを願います）が、このアドレスで {site} のフォローを申し込みました。すでにフォロー中のため、何も変わっていません。\n\n記事ごと・ダイジェストの切り替えや配信停止はこちら：\n{url}',
  postSubject: '[{site}] {title}',
  readPost: '記事を読む：{url}',
  footer: '{site} をフォローしているため、このメールをお送りしています。',
  footerManage: '記事ごと、毎日または毎週のダイジェスト、コメントへの返信：{url}',
  footerUnsubscribe: 'ワンクリックで配信停止：{url}',
  digestDaily: '{site}：毎日のダイジェスト',
  digestWeekly: '{site}：毎週のダイジェスト',
  newPosts: { other: '新しい記事 # 件' },
  digestIntro: '前回のダイジェスト以降の {site} の新着：',
  confirmTitle: '{site} をフォロー',
  confirmQuestion: '{site} の新しい記事をすべて {email} にメールで受け取りますか？',
  confirmButton: '確認する',
  confirmedTitle: '{site} をフォローしました',
  confirmedText: 'すべてのメールに、ダイジェストへの切り替えやワンクリックでの配信停止のリンクがあります。',
  manageLink: '購読を管理する',
  invalidTitle: 'このリンクは使えません',
  invalidText: 'リンクが無効か、期限が切れています。ブログの「フォロー」欄からもう一度フォローすると、新しいリンクが届きます。',
  notFollowingTitle: 'フォローしていません',
  notFollowingText: 'このアドレスは {site} をフォローしていません。',
  unsubscribeTitle: '配信停止',
  unsubscribeQuestion: '{site} の新しい記事を {email} に送るのをやめますか？',
  unsubscribeButton: '配信を停止する',
  unsubscribedTitle: '配信を停止しました',
  unsubscribedText: '{site} からのメールは今後届きません。',
  manageTitle: '{site} の購読',
  manageFor: '送信先：{email}',
  deliveryLegend: '新しい記事の受け取り方',
  modeEach: '記事ごとに、公開され次第',
  modeDaily: '毎日のダイジェスト',
  modeWeekly: '毎週のダイジェスト',
  commentsLegend: 'コメント',
  repliesLabel: '自分のコメントへの返信をメールで受け取る',
  threadsLabel: 'フォロー中の記事への新しいコメントをメールで受け取る',
  save: '保存',
  saved: '保存しました。',
  stopAll: 'すべての配信を停止',
  stopAllHint: '{site} からのメール（記事、ダイジェスト、コメント）をすべて停止します。',
  stoppedText: '{site} からのメール（記事、ダイジェスト、コメント）は今後一切届きません。',
};

const ar: FollowText = {
  confirmSubject: 'تأكيد: متابعة {site}',
  confirmBody: 'طلب أحدهم (ونأمل أن تكون أنت) تلقي كل تدوينة جديدة على {site} بالبريد الإلكتروني.\n\nللتأكيد، افتح هذا الرابط:\n{url}\n\nإن لم تكن أنت، فتجاهل هذه الرسالة: لن يصلك شيء آخر.',
  inviteBody: 'أضاف صاحب {site} هذا العنوان إلى المتابعين. لتلقي كل تدوينة جديدة بالبريد الإلكتروني، أكِّد من هنا:\n{url}\n\nإن لم تؤكد، فلن يصلك شيء آخر.',
  alreadySubject: 'أنت تتابع {site} بالفعل',
  alreadyBody: 'طلب أحدهم (ونأمل أن تكون أنت) متابعة {site} بهذا العنوان. هذا العنوان يتابعه بالفعل: لم يتغير شيء.\n\nلتلقي كل تدوينة أو ملخص، أو لإيقاف الرسائل، افتح:\n{url}',
  postSubject: '[{site}] {title}',
  readPost: 'اقرأ التدوينة: {url}',
  footer: 'تصلك هذه الرسالة لأنك تتابع {site}.',
  footerManage: 'كل تدوينة، ملخص يومي أو أسبوعي، الردود على تعليقاتك: {url}',
  footerUnsubscribe: 'إلغاء الاشتراك بنقرة واحدة: {url}',
  digestDaily: '{site}: الملخص اليومي',
  digestWeekly: '{site}: الملخص الأسبوعي',
  newPosts: { zero: 'لا تدوينات جديدة', one: 'تدوينة جديدة واحدة', two: 'تدوينتان جديدتان', few: '# تدوينات جديدة', many: '# تدوينة جديدة', other: '# تدوينة جديدة' },
  digestIntro: 'الجديد على {site} منذ آخر ملخص:',
  confirmTitle: 'متابعة {site}',
  confirmQuestion: 'هل تريد تلقي كل تدوينة جديدة على {site} بالبريد الإلكتروني على {email}؟',
  confirmButton: 'تأكيد',
  confirmedTitle: 'أنت تتابع {site}',
  confirmedText: 'في كل رسالة رابط لاختيار ملخص بدلًا من ذلك، أو لإلغاء الاشتراك بنقرة واحدة.',
  manageLink: 'إدارة اشتراكك',
  invalidTitle: 'هذا الرابط لا يعمل',
  invalidText: 'الرابط غير صالح أو انتهت صلاحيته. تابع المدونة من جديد من مربع «متابعة» لتحصل على رابط جديد.',
  notFollowingTitle: 'لا اشتراك',
  notFollowingText: 'هذا العنوان لا يتابع {site}.',
  unsubscribeTitle: 'إلغاء الاشتراك',
  unsubscribeQuestion: 'هل تريد إيقاف الرسائل إلى {email} عن التدوينات الجديدة على {site}؟',
  unsubscribeButton: 'إلغاء الاشتراك',
  unsubscribedTitle: 'أُلغي الاشتراك',
  unsubscribedText: 'لن تصلك رسائل أخرى من {site}.',
  manageTitle: 'اشتراكك في {site}',
  manageFor: 'تُرسل الرسائل إلى {email}.',
  deliveryLegend: 'أرسل إليّ التدوينات الجديدة',
  modeEach: 'كل تدوينة فور نشرها',
  modeDaily: 'ملخص يومي',
  modeWeekly: 'ملخص أسبوعي',
  commentsLegend: 'التعليقات',
  repliesLabel: 'راسلني عند الرد على تعليقاتي',
  threadsLabel: 'راسلني بالتعليقات الجديدة على التدوينات التي أتابعها',
  save: 'حفظ',
  saved: 'تم الحفظ.',
  stopAll: 'إلغاء الاشتراك في كل شيء',
  stopAllHint: 'لا مزيد من الرسائل من {site}: لا تدوينات ولا ملخصات ولا تعليقات.',
  stoppedText: 'لن تصلك رسائل أخرى من {site}: لا تدوينات ولا ملخصات ولا تعليقات.',
};

const TEXTS: Record<SiteLanguage, FollowText> = { en, de, fr, es, pt, zh, ja, ar };

export function text(language: SiteLanguage): FollowText {
  return TEXTS[language] ?? en;
}

/** Replaces each `{name}` with its value. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** The plural form for `count` in `language`, with `#` replaced by the number. */
export function plural(language: SiteLanguage, forms: Plural, count: number): string {
  const category = new Intl.PluralRules(language).select(count) as keyof Plural;
  return (forms[category] ?? forms.other).replace('#', new Intl.NumberFormat(language).format(count));
}

/** A date as the language writes it, in UTC (mail has no reader's time zone). */
export function formatDate(language: SiteLanguage, iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return '';
  return new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' }).format(ms);
}

/** Text direction of a language (Arabic is written right to left). */
export function direction(language: SiteLanguage): 'ltr' | 'rtl' {
  return language === 'ar' ? 'rtl' : 'ltr';
}
