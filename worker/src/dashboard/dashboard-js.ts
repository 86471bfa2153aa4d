/**
 * The dashboard's only script, served from /admin/dashboard.js (same origin; the CSP allows
 * no inline script). It adds keyboard shortcuts; every action also works without it.
 *   j / k  next / previous comment      a  approve (or restore)     r  remove
 *   s      mark as spam                 e  edit                     x  select for bulk
 *   /      search
 */
export const DASHBOARD_JS = `(() => {
  const cards = () => [...document.querySelectorAll('article.comment')];
  let index = -1;
  const focus = (i) => {
    const list = cards();
    if (!list.length) return;
    index = Math.max(0, Math.min(list.length - 1, i));
    list.forEach((card, n) => card.classList.toggle('current', n === index));
    list[index].focus();
    list[index].scrollIntoView({ block: 'nearest' });
  };
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return;
    const card = cards()[index];
    const click = (key) => { const el = card && card.querySelector('[data-key="' + key + '"]'); if (el) { event.preventDefault(); el.click(); } };
    switch (event.key) {
      case 'j': focus(index + 1); break;
      case 'k': focus(index - 1); break;
      case 'a': case 'r': case 's': case 'e': click(event.key); break;
      case 'x': { const box = card && card.querySelector('input[type=checkbox]'); if (box) box.checked = !box.checked; break; }
      case '/': { const search = document.getElementById('q'); if (search) { event.preventDefault(); search.focus(); } break; }
    }
  });
})();
`;
