// Knowledge-base panel: suggestions while the operator types the description,
// full results for a search. The server HTML-escapes title_html and snippet
// and wraps matches in <mark>: those two fields, and nothing else, go in as
// innerHTML. Everything else is textContent.
import { get, qs } from './api.js';
import { t, fmtDate } from './i18n.js';
import { h, replace, field, uid, panel, fold } from './dom.js';
import { catName } from './categories.js';

export function createKbPanel() {
  const p = panel(t('kb.title'), { cls: 'kb-panel' });
  const q = h('input', { type: 'search', id: uid('kbq'), autocomplete: 'off', placeholder: t('kb.placeholder') });
  const form = h('form', { class: 'kb-search', role: 'search' },
    field(t('kb.search'), q, { cls: 'grow' }),
    h('button', { type: 'submit', class: 'btn' }, t('kb.go')));
  const suggestBox = h('div', { class: 'kb-suggest', hidden: true });
  const results = h('div', { class: 'kb-results', 'aria-live': 'polite' },
    h('p', { class: 'muted' }, t('kb.empty')));
  const article = h('div', { class: 'kb-article', hidden: true });
  p.body.append(form, suggestBox, results, article);

  let seq = 0;
  let lastAuto = '';

  async function search(text) {
    const my = ++seq;
    article.hidden = true;
    results.hidden = false;
    if (fold(text).trim().length < 2) { replace(results, h('p', { class: 'muted' }, t('kb.empty'))); return; }
    try {
      const r = await get('/api/v1/kb/search' + qs({ q: text, limit: 8 }));
      if (my !== seq) return;
      renderResults(r.results || []);
    } catch (err) {
      if (my === seq) replace(results, h('p', { class: 'error-text' }, err.message));
    }
  }

  function renderResults(items) {
    if (!items.length) { replace(results, h('p', { class: 'muted' }, t('kb.none'))); return; }
    const list = h('ol', { class: 'kb-list' });
    for (const r of items) {
      const title = h('button', { type: 'button', class: 'linkish kb-title' });
      title.innerHTML = r.title_html || ''; // server-escaped, <mark> only
      if (!r.title_html) title.textContent = r.title;
      title.addEventListener('click', () => openArticle(r.id));
      const snip = h('p', { class: 'kb-snippet' });
      snip.innerHTML = r.snippet || ''; // server-escaped, <mark> only
      list.append(h('li', {}, title, snip,
        h('p', { class: 'kb-meta' }, catName(r.category), r.legal_basis ? ` · ${r.legal_basis}` : '')));
    }
    replace(results, list);
  }

  async function openArticle(id) {
    try {
      const a = await get(`/api/v1/kb/articles/${encodeURIComponent(id)}`);
      const back = h('button', { type: 'button', class: 'btn-small' }, t('kb.back'));
      back.addEventListener('click', () => { article.hidden = true; results.hidden = false; results.querySelector('button')?.focus(); });
      replace(article, back,
        h('h3', {}, a.title),
        h('p', { class: 'kb-meta' }, catName(a.category), a.legal_basis ? ` · ${a.legal_basis}` : '',
          a.updated_at ? ` · ${t('kb.updated', { d: fmtDate(a.updated_at) })}` : ''),
        // The Markdown source as plain text: readable, and no HTML to trust.
        h('div', { class: 'kb-answer' }, a.answer || ''));
      results.hidden = true;
      article.hidden = false;
      back.focus();
    } catch (err) {
      replace(results, h('p', { class: 'error-text' }, err.message));
    }
  }

  async function suggestFor(text) {
    // The last dozen words carry the question; the rest is history.
    const words = String(text || '').trim().split(/\s+/).slice(-12).join(' ');
    if (words === lastAuto) return;
    lastAuto = words;
    if (fold(words).length < 3) { suggestBox.hidden = true; return; }
    const my = ++seq;
    try {
      const [s, r] = await Promise.all([
        get('/api/v1/kb/suggest' + qs({ q: words, limit: 4 })),
        get('/api/v1/kb/search' + qs({ q: words, limit: 8 })),
      ]);
      if (my !== seq) return;
      const items = s.results || [];
      suggestBox.hidden = !items.length;
      replace(suggestBox, h('h3', {}, t('kb.suggestions')), h('ul', {}, items.map((it) =>
        h('li', {}, h('button', { type: 'button', class: 'chip', title: it.title, on: { click: () => openArticle(it.id) } }, it.title)))));
      results.hidden = false;
      article.hidden = true;
      renderResults(r.results || []);
    } catch { /* suggestions are a help, not a must */ }
  }

  form.addEventListener('submit', (e) => { e.preventDefault(); search(q.value); });
  return { el: p.el, suggestFor, focus: () => q.focus() };
}
