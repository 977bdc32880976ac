// Cán bộ nghiệp vụ console: the pool of look-up requests ordered by due time,
// kept live by lookup.created / lookup.updated events (no polling); claim,
// answer (back to the operator or straight to the citizen), and the
// population-registry look-up panel (registry.js) on a request one claimed.
// Officers also take the calls operators transfer to "the officers' pool":
// the same state switch, desk phone and call panel as operators (phone.js),
// and the case of the call opened beside the look-ups; likewise the callbacks
// of callers whose wait overflowed to the officers' queue (accepted: the
// callback case opens beside the look-ups).
import { get, post } from './api.js';
import { t, fmtDateTime, fmtWhen, label } from './i18n.js';
import { h, replace, field, select, panel, badge, alertBox, showError, clearErrors, notify, uid, keepFocus } from './dom.js';
import { loadCategories, catName } from './categories.js';
import { loadCalendar, remainingUntil, countdown } from './sla.js';
import { createRegistryPanel } from './registry.js';
import { createAgentPhone } from './phone.js';
import { createCaseView } from './case-view.js';

export function mount(root, { user, live }) {
  const el = h('div', { class: 'desk desk-officer' }, h('p', { class: 'loading' }, t('common.loading')));
  root.append(el);
  const timers = [];
  let stop = () => {};
  let disposed = false;
  Promise.all([loadCategories(), loadCalendar()])
    .then(() => { if (!disposed) stop = build(el, user, live, timers); })
    .catch((err) => replace(el, h('p', { class: 'error-text', role: 'alert' }, err.message)));
  return () => { disposed = true; stop(); timers.forEach(clearInterval); };
}

function build(el, user, live, timers) {
  const pool = new Map(); // id → lookup (open or claimed)
  let selected = null; // lookup id
  let fresh = new Set(); // ids that arrived live, highlighted once
  // Registry panels by look-up id: what was typed and found survives the
  // detail being redrawn (live events); dropped once the request is answered.
  const regPanels = new Map();

  const filter = select([['all', t('pool.all')], ['open', t('pool.open')], ['mine', t('pool.mine')]], { value: 'all', id: 'pool-filter' });
  const counts = h('span', { class: 'pool-counts', 'aria-live': 'polite' });
  const left = panel(t('pool.title'), { cls: 'pool-panel', actions: h('div', { class: 'panel-tools' }, counts, field(t('pool.show'), filter, { cls: 'inline' })) });
  const list = h('ul', { class: 'pool-list', id: 'lookup-pool' });
  left.body.append(h('div', { class: 'pool-header', 'aria-hidden': 'true' },
    h('span', {}, t('pool.colDue')), h('span', {}, t('pool.colReq')), h('span', {}, t('pool.colWhat')), h('span', {}, t('pool.colState'))), list);

  const right = panel(t('lk.title'), { cls: 'lookup-panel' });
  const detail = h('div', { class: 'lookup-detail', id: 'lookup-detail' }, h('p', { class: 'muted' }, t('lk.pick')));
  right.body.append(detail);

  // ---- the desk phone and the case of a call ------------------------------------
  const caseBox = panel(t('call.case'), { cls: 'call-case-panel', actions: h('button', { type: 'button', class: 'btn-small', id: 'btn-case-close',
    on: { click: () => { caseBox.el.hidden = true; } } }, t('off.caseClose')) });
  caseBox.el.hidden = true;
  caseBox.el.id = 'officer-case';
  const view = createCaseView({ onChanged: () => {}, user });
  caseBox.body.append(view.el);
  async function openCase(id) {
    try {
      await view.show(id);
      caseBox.el.hidden = false;
      view.el.querySelector('h2')?.focus();
    } catch (err) { notify(err.message); }
  }
  const phone = createAgentPhone({
    user, live,
    onOpenCase: openCase,
    onAnswered: (caseId) => openCase(caseId),
    onCallEnded: (ev) => { if (ev.case_id && view.id === ev.case_id && !caseBox.el.hidden) view.refreshCalls(); },
  });
  live.on('case.updated', (ev) => { if (ev.case && ev.case.id === view.id && !caseBox.el.hidden) view.refresh().catch(() => {}); });

  replace(el, phone.toolbar, h('div', { class: 'off-grid' }, left.el,
    h('div', { class: 'col' }, phone.callPanel, caseBox.el, right.el)));

  const rem = (l) => remainingUntil(l.due_at);
  const holder = (l) => (l.claimed_by === user.id ? t('pool.byYou') : t('pool.byOther'));

  const renderPool = () => keepFocus(list, drawPool);
  function drawPool() {
    const f = filter.value;
    const items = [...pool.values()]
      .filter((l) => f === 'all' || (f === 'open' ? l.status === 'open' : l.claimed_by === user.id))
      .sort((a, b) => new Date(a.due_at) - new Date(b.due_at) || a.id - b.id);
    const open = [...pool.values()].filter((l) => l.status === 'open').length;
    counts.textContent = t('pool.counts', { open, claimed: pool.size - open });
    if (!items.length) { replace(list, h('li', { class: 'muted empty' }, t('pool.empty'))); return; }
    replace(list, items.map((l) => {
      const cd = countdown(rem(l));
      return h('li', {}, h('button', {
        type: 'button', class: `lookup-item${l.id === selected ? ' current' : ''}${fresh.has(l.id) ? ' fresh' : ''}`,
        dataset: { key: `l${l.id}`, lookupId: l.id, caseId: l.case_id }, 'aria-current': l.id === selected ? 'true' : null,
        on: { click: () => select$(l.id) },
      },
      h('span', { class: 'li-due' }, h('span', { class: `sla ${cd.cls}` }, cd.text), h('span', { class: 'small muted' }, fmtWhen(l.due_at))),
      h('span', { class: 'li-req' }, h('strong', {}, `#${l.id}`), h('span', { class: 'small muted' }, t('lk.caseRef', { id: l.case_id }))),
      h('span', { class: 'li-what' }, l.what),
      h('span', { class: 'li-state' }, badge(label('lookup', l.status), `ls-${l.status}`),
        l.status === 'claimed' ? h('span', { class: 'small muted' }, holder(l)) : null)));
    }));
  }

  async function select$(id) {
    selected = id;
    fresh.delete(id);
    renderPool();
    await renderDetail({ focus: true });
  }

  let detailSeq = 0;
  async function renderDetail({ focus = false, message = '' } = {}) {
    const my = ++detailSeq;
    if (!selected) { replace(detail, h('p', { class: 'muted' }, t('lk.pick'))); return; }
    let l;
    let c = null;
    try {
      l = await get(`/api/v1/lookups/${selected}`);
      c = await get(`/api/v1/cases/${l.case_id}`).catch(() => null);
    } catch (err) {
      if (my === detailSeq) replace(detail, h('p', { class: 'error-text', role: 'alert' }, err.message));
      return;
    }
    if (my !== detailSeq) return;
    if (l.status === 'answered') pool.delete(l.id); else pool.set(l.id, l);
    renderPool();
    const alert = alertBox();
    if (message) { alert.textContent = message; alert.hidden = false; }
    const cd = countdown(l.status === 'answered' ? null : rem(l));
    // A live redraw re-attaches the registry panel: keep the typist's place.
    const active = document.activeElement;
    const kept = regPanels.get(l.id);
    const keep = kept && kept.el.contains(active) ? active : null;
    replace(detail,
      h('div', { class: 'case-head' },
        h('h2', { tabindex: -1 }, t('lk.heading', { id: l.id, case: l.case_id })),
        badge(label('lookup', l.status), `ls-${l.status}`),
        cd.text ? h('span', { class: `sla ${cd.cls}` }, cd.text) : null),
      h('dl', { class: 'facts' },
        h('dt', {}, t('lookup.what')), h('dd', { class: 'wide' }, l.what),
        h('dt', {}, t('lookup.reason')), h('dd', { class: 'wide' }, l.reason),
        h('dt', {}, t('lk.requested')), h('dd', {}, fmtDateTime(l.requested_at)),
        h('dt', {}, t('lk.due')), h('dd', {}, fmtDateTime(l.due_at)),
        l.claimed_at ? [h('dt', {}, t('lk.claimed')), h('dd', {}, `${fmtDateTime(l.claimed_at)} · ${holder(l)}`)] : null),
      c ? caseBlock(c) : null,
      registryPanel(l, c),
      alert,
      actionBlock(l, alert));
    if (focus) detail.querySelector('h2')?.focus();
    else if (keep && keep.isConnected) keep.focus();
  }

  function caseBlock(c) {
    return h('section', { class: 'subsection', 'aria-label': t('lk.case') },
      h('h3', {}, t('lk.case'), ' ', h('span', { class: 'muted' }, `#${c.id}`)),
      h('dl', { class: 'facts' },
        h('dt', {}, t('case.caller')), h('dd', {}, c.contact.name || '—'),
        h('dt', {}, t('case.phone')), h('dd', { class: 'mono' }, c.contact.phone || '—'),
        h('dt', {}, t('case.cid')), h('dd', { class: 'mono' }, c.citizen_id || '—'),
        h('dt', {}, t('case.channel')), h('dd', {}, label('channel', c.channel)),
        h('dt', {}, t('case.category')), h('dd', { class: 'wide' }, catName(c.category)),
        h('dt', {}, t('case.description')), h('dd', { class: 'wide' }, c.description)));
  }

  // Look-ups are allowed only on a request this officer claimed (the server
  // checks it too, and audits each one against the case).
  function registryPanel(l, c) {
    if (l.status === 'answered') { regPanels.delete(l.id); return null; }
    if (l.status !== 'claimed' || l.claimed_by !== user.id) {
      return h('section', { class: 'subsection registry', 'aria-label': t('reg.title') },
        h('h3', {}, t('reg.title')),
        h('p', { class: 'muted small' }, t('reg.claimFirst')));
    }
    let p = regPanels.get(l.id);
    if (!p) {
      p = createRegistryPanel({ lookup: l, caseData: c, answerBox: () => detail.querySelector('textarea[data-field="answer"]') });
      regPanels.set(l.id, p);
    }
    return p.el;
  }

  function actionBlock(l, alert) {
    if (l.status === 'open') {
      const claim = h('button', { type: 'button', class: 'btn-primary', id: 'btn-claim' }, t('lk.claim'));
      claim.addEventListener('click', async () => {
        claim.disabled = true;
        try {
          await post(`/api/v1/lookups/${l.id}/claim`);
          notify(t('lk.claimed.ok', { id: l.id }));
          await renderDetail();
          detail.querySelector('textarea')?.focus();
        } catch (err) {
          // 409 already_claimed: someone was quicker. Show the server's words
          // and what the request looks like now.
          await renderDetail({ message: err.message });
        }
      });
      return h('div', { class: 'actions' }, claim);
    }
    if (l.status === 'claimed' && l.claimed_by !== user.id) {
      return h('p', { class: 'muted' }, t('lk.heldByOther'));
    }
    if (l.status === 'answered') {
      return h('div', { class: 'lookup-answer' }, h('strong', {}, t('lookup.answer') + ':'), h('p', { class: 'answer-text' }, l.answer));
    }
    const answer = h('textarea', { rows: 4 });
    const name = uid('dest');
    const back = h('input', { type: 'radio', name, value: 'operator', id: uid('r'), checked: true });
    const citizen = h('input', { type: 'radio', name, value: 'citizen', id: uid('r') });
    const form = h('form', { class: 'subform', novalidate: true, 'aria-label': t('ans.title') },
      h('h3', {}, t('ans.title')),
      field(t('ans.answer'), answer, { name: 'answer' }),
      h('fieldset', { class: 'radios', dataset: { field: 'reply_to_citizen' } }, h('legend', {}, t('ans.dest')),
        h('div', {}, back, h('label', { for: back.id }, t('ans.toOperator'))),
        h('div', {}, citizen, h('label', { for: citizen.id }, t('ans.toCitizen')))),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn-primary', id: 'btn-answer' }, t('ans.send'))));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      try {
        await post(`/api/v1/lookups/${l.id}/answer`, { answer: answer.value.trim(), reply_to_citizen: citizen.checked });
        notify(t('ans.done', { id: l.id }));
        pool.delete(l.id);
        regPanels.delete(l.id);
        renderPool();
        await renderDetail();
      } catch (err) { showError(form, err, alert); }
    });
    return form;
  }

  async function loadPool() {
    try {
      const [open, claimed] = await Promise.all([get('/api/v1/lookups?status=open'), get('/api/v1/lookups?status=claimed')]);
      pool.clear();
      for (const l of [...open.items, ...claimed.items]) pool.set(l.id, l);
      renderPool();
    } catch (err) { replace(list, h('li', { class: 'error-text' }, err.message)); }
  }

  // Events carry a summary; the request itself is fetched by id.
  async function onLookup(ev) {
    const id = ev.lookup && ev.lookup.id;
    if (!id) return;
    if (ev.type === 'lookup.created') fresh.add(id);
    try {
      const l = await get(`/api/v1/lookups/${id}`);
      if (l.status === 'answered') pool.delete(id); else pool.set(id, l);
    } catch { pool.delete(id); }
    renderPool();
    if (id === selected) renderDetail();
  }
  live.on('lookup.created', onLookup);
  live.on('lookup.updated', onLookup);
  live.on('resync', () => { loadPool(); if (selected) renderDetail(); });
  filter.addEventListener('change', renderPool);
  timers.push(setInterval(() => { renderPool(); phone.tick(); view.tick(); }, 15000));
  loadPool();
  phone.load();
  return () => { phone.dispose(); };
}
