// Tổng đài viên desk: state switch and desk phone with the current call and its
// screen pop, and callbacks to accept (phone.js: an accepted callback's case
// opens in the workspace), the operator's own queue with SLA countdowns, the
// new-case form (Alt+N), the open case, the knowledge base (Alt+K) and the
// caller's earlier cases.
import { get, qs } from './api.js';
import { t, fmtWhen, label } from './i18n.js';
import { h, replace, panel, badge, notify, debounce, keepFocus } from './dom.js';
import { loadCategories, catName } from './categories.js';
import { loadCalendar, caseRemaining, countdown } from './sla.js';
import { createCaseForm } from './case-form.js';
import { createCaseView, statusBadge } from './case-view.js';
import { createKbPanel } from './kb.js';
import { createAgentPhone } from './phone.js';

const QUEUE_STATUSES = ['new', 'in_progress', 'waiting_citizen', 'waiting_lookup', 'answered'];

export function mount(root, { user, live }) {
  const timers = [];
  const root$ = h('div', { class: 'desk desk-operator' });
  root.append(root$);
  replace(root$, h('p', { class: 'loading' }, t('common.loading')));
  let disposed = false;
  let disposeInner = () => {};
  Promise.all([loadCategories(), loadCalendar()]).then(([cats]) => {
    if (!disposed) disposeInner = build(root$, user, live, cats, timers);
  }).catch((err) => replace(root$, h('p', { class: 'error-text', role: 'alert' }, err.message)));
  return () => {
    disposed = true;
    disposeInner();
    timers.forEach(clearInterval);
  };
}

function build(root$, user, live, categories, timers) {
  // ---- state switch, desk phone and the current call (phone.js) -------------------
  // The phone rings: the caller's number (and the ID keyed in, once the IVR
  // verified it) go into the new-case form and the caller's history; once
  // answered, the case the server opened for the call is opened here.
  let prefilled = null;
  const phone = createAgentPhone({
    user, live, hint: t('op.keys'),
    onRinging: (ev) => {
      const citizen_id = ev.keyed_verified && ev.keyed_id ? ev.keyed_id : '';
      prefilled = form.prefill({ channel: 'phone', phone: ev.caller || '', citizen_id });
      showHistory({ phone: ev.caller || '', citizen_id });
    },
    onAnswered: (caseId) => {
      // The server's case holds the caller now: take back what the pop typed,
      // so no second case is made from it (and the next pop can fill it again).
      if (prefilled) form.unprefill(prefilled);
      prefilled = null;
      openCase(caseId);
      loadQueue();
    },
    onOpenCase: (id) => openCase(id),
    onNewCaseFor: (ct) => { openForm(); form.prefill({ channel: 'phone', phone: /^\+?\d[\d ]{7,}$/.test(ct) ? ct : '' }); },
    onIdle: () => {
      if (prefilled) form.unprefill(prefilled);
      prefilled = null;
      loadQueue();
    },
    onCallbackOffered: (ev) => showHistory({ phone: ev.number || '', citizen_id: '' }),
    // The call's record is final: the case on screen lists it as it ended.
    onCallEnded: (ev) => { if (ev.case_id && view.id === ev.case_id) view.refreshCalls(); },
  });

  // ---- my queue -------------------------------------------------------------------
  const queue = panel(t('queue.title'), { cls: 'queue-panel' });
  const queueList = h('ul', { class: 'case-list', id: 'my-queue' });
  const queueCount = h('span', { class: 'count' });
  queue.head.append(queueCount);
  queue.body.append(queueList);
  let mine = []; // [{c, fetchedAt}]
  const known = new Map(); // id → status, to notice answered look-ups

  async function loadQueue() {
    try {
      const pages = await Promise.all(QUEUE_STATUSES.map((s) => get('/api/v1/cases' + qs({ assignee: 'me', status: s, per_page: 100 }))));
      const at = Date.now();
      mine = pages.flatMap((p) => p.items).map((c) => ({ c, fetchedAt: at }));
      for (const { c } of mine) {
        const was = known.get(c.id);
        if (was === 'waiting_lookup' && c.status !== 'waiting_lookup') notify(t('op.lookupAnswered', { id: c.id }));
        known.set(c.id, c.status);
      }
      renderQueue();
    } catch (err) { replace(queueList, h('li', { class: 'error-text' }, err.message)); }
  }

  const renderQueue = () => keepFocus(queueList, drawQueue);
  function drawQueue() {
    const rows = mine.map((x) => ({ ...x, rem: caseRemaining(x.c, x.fetchedAt) }));
    rows.sort((a, b) => (a.c.status === 'answered') - (b.c.status === 'answered')
      || (a.rem ?? Infinity) - (b.rem ?? Infinity) || a.c.id - b.c.id);
    queueCount.textContent = String(rows.length);
    if (!rows.length) { replace(queueList, h('li', { class: 'muted empty' }, t('queue.empty'))); return; }
    replace(queueList, rows.map(({ c, rem }) => {
      const cd = countdown(rem);
      return h('li', {}, h('button', { type: 'button', class: 'case-item' + (view.id === c.id ? ' current' : ''), dataset: { key: `c${c.id}`, caseId: c.id },
        'aria-current': view.id === c.id ? 'true' : null, on: { click: () => openCase(c.id) } },
        h('span', { class: 'ci-line' }, h('strong', {}, `#${c.id}`), statusBadge(c.status),
          c.priority !== 'normal' ? badge(label('priority', c.priority), `pr-${c.priority}`) : null,
          h('span', { class: `sla ${cd.cls}` }, c.sla.paused ? t('sla.paused') : cd.text)),
        h('span', { class: 'ci-cat' }, catName(c.category)),
        h('span', { class: 'ci-meta' }, [c.contact.name, label('channel', c.channel), fmtWhen(c.created_at)].filter(Boolean).join(' · '))));
    }));
  }

  // ---- workspace: new case | open case ---------------------------------------
  const tabNew = h('button', { type: 'button', role: 'tab', id: 'tab-new', class: 'tab' }, t('op.tabNew'));
  const tabCase = h('button', { type: 'button', role: 'tab', id: 'tab-case', class: 'tab', hidden: true });
  const paneNew = h('div', { role: 'tabpanel', 'aria-labelledby': 'tab-new', class: 'tabpane' });
  const paneCase = h('div', { role: 'tabpanel', 'aria-labelledby': 'tab-case', class: 'tabpane', hidden: true });
  const workspace = h('section', { class: 'panel workspace', 'aria-label': t('op.workspace') },
    h('div', { class: 'tabs', role: 'tablist' }, tabNew, tabCase), paneNew, paneCase);

  function selectTab(which) {
    const isNew = which === 'new';
    tabNew.setAttribute('aria-selected', String(isNew));
    tabCase.setAttribute('aria-selected', String(!isNew));
    tabNew.tabIndex = isNew ? 0 : -1;
    tabCase.tabIndex = isNew ? -1 : 0;
    paneNew.hidden = !isNew;
    paneCase.hidden = isNew;
  }
  tabNew.addEventListener('click', () => openForm());
  tabCase.addEventListener('click', () => selectTab('case'));
  for (const tab of [tabNew, tabCase]) {
    tab.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
      const other = tab === tabNew ? tabCase : tabNew;
      if (other.hidden) return;
      other.click();
      other.focus();
    });
  }

  const kb = createKbPanel();
  const history = panel(t('hist.title'), { cls: 'history-panel' });
  const historyBody = h('div', { id: 'caller-history', 'aria-live': 'polite' }, h('p', { class: 'muted' }, t('hist.hint')));
  history.body.append(historyBody);
  let histSeq = 0;

  async function showHistory({ phone, citizen_id }) {
    const my = ++histSeq;
    if (!phone && !citizen_id) { replace(historyBody, h('p', { class: 'muted' }, t('hist.hint'))); return; }
    replace(historyBody, h('p', { class: 'muted' }, t('common.loading')));
    const asks = [];
    if (phone) asks.push(get('/api/v1/cases' + qs({ phone, per_page: 20 })));
    if (citizen_id) asks.push(get('/api/v1/cases' + qs({ citizen_id, per_page: 20 })));
    const res = await Promise.allSettled(asks);
    if (my !== histSeq) return;
    const seen = new Map();
    let total = 0;
    for (const r of res) {
      if (r.status !== 'fulfilled') continue;
      total = Math.max(total, r.value.total);
      for (const c of r.value.items) seen.set(c.id, c);
    }
    const failed = res.find((r) => r.status === 'rejected');
    const items = [...seen.values()].sort((a, b) => new Date(b.created_at) - new Date(a.created_at));
    if (!items.length) {
      replace(historyBody, h('p', { class: failed ? 'error-text' : 'muted' }, failed ? failed.reason.message : t('hist.none')));
      return;
    }
    replace(historyBody, h('p', { class: 'small muted' }, t('hist.count', { n: Math.max(total, items.length) })),
      h('ul', { class: 'case-list compact' }, items.map((c) => h('li', {}, h('button', { type: 'button', class: 'case-item', on: { click: () => openCase(c.id) } },
        h('span', { class: 'ci-line' }, h('strong', {}, `#${c.id}`), statusBadge(c.status), h('span', { class: 'muted small' }, fmtWhen(c.created_at))),
        h('span', { class: 'ci-cat' }, catName(c.category)),
        h('span', { class: 'ci-meta' }, c.description.slice(0, 90)))))));
  }

  const form = createCaseForm({
    user, categories,
    onCreated: async (c) => {
      notify(t('form.created', { id: c.id }));
      await openCase(c.id);
      loadQueue();
      showHistory({ phone: '', citizen_id: '' });
    },
    onCallerKeys: showHistory,
    onDescription: (text) => kb.suggestFor(text),
  });
  paneNew.append(form.el);

  const view = createCaseView({ onChanged: () => loadQueue(), user });
  paneCase.append(view.el);

  function openForm() {
    selectTab('new');
    form.focus();
  }
  async function openCase(id) {
    try {
      await view.show(id);
      tabCase.hidden = false;
      tabCase.textContent = t('case.title', { id });
      selectTab('case');
      renderQueue();
      view.el.querySelector('h2')?.focus();
    } catch (err) { notify(err.message); }
  }

  // ---- layout ---------------------------------------------------------------------
  replace(root$, phone.toolbar,
    h('div', { class: 'op-grid' },
      h('div', { class: 'col col-left' }, phone.callPanel, queue.el),
      h('div', { class: 'col col-mid' }, workspace),
      h('div', { class: 'col col-right' }, kb.el, history.el)));
  selectTab('new');

  // ---- keys, live events, clocks ------------------------------------------------
  function onKey(e) {
    if (!e.altKey || e.ctrlKey || e.metaKey) return;
    const k = e.key.toLowerCase();
    if (k === 'n' || e.code === 'KeyN') { e.preventDefault(); openForm(); }
    else if (k === 'k' || e.code === 'KeyK') { e.preventDefault(); kb.focus(); }
  }
  document.addEventListener('keydown', onKey);

  const reloadQueue = debounce(loadQueue, 150);
  const onCase = (ev) => {
    const c = ev.case || {};
    if (c.assignee_id === user.id || known.has(c.id)) reloadQueue();
    if (c.id && c.id === view.id) {
      view.refresh().then(({ before, after }) => {
        if (before && after && before.status === 'waiting_lookup' && after.status !== 'waiting_lookup') {
          notify(t('op.lookupAnswered', { id: after.id }));
        }
      }).catch(() => {});
    }
  };
  live.on('case.created', onCase);
  live.on('case.updated', onCase);
  live.on('resync', () => { loadQueue(); view.refresh().catch(() => {}); });

  timers.push(setInterval(() => { renderQueue(); view.tick(); phone.tick(); }, 15000));
  // Business-minute countdowns drift from the server's figure only by calendar
  // edits; a slow refetch keeps them honest without polling for changes.
  timers.push(setInterval(loadQueue, 5 * 60000));

  phone.load();
  loadQueue();
  setTimeout(() => form.focus());
  return () => { document.removeEventListener('keydown', onKey); form.dispose(); reloadQueue.cancel(); phone.dispose(); };
}
