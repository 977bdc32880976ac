// Giám sát wallboard. Counts come from the server (case search totals,
// per_page=1); every WebSocket event triggers a debounced recount, so numbers
// move within a second. Today's contacts feed the half-hour chart and the
// per-operator figures and are kept current from case.created events alone.
// The last 30 calls (newest first, with the recordings: every play is
// audited) are fetched again, debounced, on call.ended (sent once a call's
// record is final) and on the routing events that mark a call's progress
// (agent.state, queue.updated); phone.registration events keep the agents'
// phone column current.
import { get, qs, allCases } from './api.js';
import { t, fmtTime, fmtDuration, fmtNumber, fmtWhen, isoDay, addDays, hcm, label } from './i18n.js';
import { h, replace, panel, badge, debounce } from './dom.js';
import { fmtClock, fmtSeconds, ivrPath, dispositionLabel, transferTarget, recordingPlayers } from './phone.js';

const OPEN = ['new', 'in_progress', 'waiting_citizen', 'waiting_lookup'];
const CHANNELS = ['phone', 'zalo', 'facebook', 'email', 'web', 'walk_in'];
const CALL_ROWS = 30;

export function mount(root, { live }) {
  const el = h('div', { class: 'desk desk-wallboard' });
  root.append(el);
  const timers = [];
  let chart = null;

  // ---- state -----------------------------------------------------------------
  const users = new Map(); // id → user
  const today = new Map(); // id → {id, status, channel, assignee_id, created_at, sla?}
  let lastWeek = [];
  let agents = new Map(); // login → {state, reason, since, handled, phone_registered}
  const phones = new Map(); // login → desk phone registered (phone.registration events)
  let calls = []; // the latest call records, newest first
  let queues = [];
  let day = isoDay();

  // ---- tiles -------------------------------------------------------------------
  const tiles = {};
  function tile(key, cls = '') {
    const value = h('span', { class: 'tile-value' }, '–');
    const sub = h('span', { class: 'tile-sub' });
    const labelId = `tile-${key}-l`;
    const box = h('div', { class: `tile ${cls}`, dataset: { tile: key }, role: 'group', 'aria-labelledby': labelId },
      h('span', { class: 'tile-label', id: labelId }, t('wb.tile.' + key)), value, sub);
    tiles[key] = { box, value, sub };
    return box;
  }
  function setTile(key, v, sub) {
    const tl = tiles[key];
    const text = typeof v === 'number' ? fmtNumber(v) : v;
    if (tl.value.textContent !== text && tl.value.textContent !== '–') {
      // A brief highlight tells the room which number just moved.
      tl.box.classList.remove('changed');
      void tl.box.offsetWidth;
      tl.box.classList.add('changed');
    }
    tl.value.textContent = text;
    if (sub !== undefined) tl.sub.textContent = sub;
  }
  const tileRow = h('div', { class: 'tiles' },
    OPEN.map((s) => tile(s, `st-${s}`)), tile('open', 'total'), tile('lookups', 'lookups'), tile('breaches', 'breaches'), tile('today', 'today'));

  // ---- panels ------------------------------------------------------------------
  const chartPanel = panel(t('wb.chart'), { cls: 'chart-panel' });
  const canvas = h('canvas', { id: 'wb-chart', role: 'img', 'aria-label': t('wb.chartAlt') });
  const chartNote = h('p', { class: 'small muted chart-note' });
  chartPanel.body.append(h('div', { class: 'chart-box' }, canvas), chartNote);

  const chanPanel = panel(t('wb.channels'), { cls: 'channel-panel' });
  const chanTable = h('table', { class: 'grid-table', id: 'wb-channels' });
  chanPanel.body.append(chanTable);

  const agentPanel = panel(t('wb.agents'), { cls: 'agents-panel' });
  const agentTable = h('table', { class: 'grid-table', id: 'wb-agents' });
  agentPanel.body.append(agentTable);

  const sidePanel = panel(t('wb.waiting'), { cls: 'waiting-panel' });
  const queueBox = h('div', { id: 'wb-queues' });
  const lookupBox = h('div', { id: 'wb-lookups' });
  sidePanel.body.append(queueBox, lookupBox);

  const callPanel = panel(t('wb.calls'), { cls: 'calls-panel' });
  const callTable = h('table', { class: 'grid-table', id: 'wb-calls' });
  const callHint = h('p', { class: 'small muted rec-hint' }, t('calls.audited'));
  callPanel.body.append(callTable, callHint);

  const updated = h('span', { class: 'small muted', id: 'wb-updated', 'aria-live': 'off' });
  // Unusual registry look-up volume (registry.alert): a strip above the tiles.
  const alertsBox = h('section', { class: 'wb-alerts', id: 'wb-alerts', 'aria-live': 'assertive', 'aria-label': t('wb.alerts') });
  replace(el, h('div', { class: 'wb-head' }, h('h1', { class: 'visually-hidden' }, t('desk.supervisor')), updated), alertsBox, tileRow,
    h('div', { class: 'wb-row' }, chartPanel.el, chanPanel.el),
    h('div', { class: 'wb-row' }, agentPanel.el, sidePanel.el),
    callPanel.el);

  const stamp = () => { updated.textContent = t('wb.updated', { time: fmtTime(new Date()) + ':' + String(hcm(new Date()).ss).padStart(2, '0') }); };

  // ---- counts by status and channel (server totals) ---------------------------------
  const total = (params) => get('/api/v1/cases' + qs({ ...params, per_page: 1 })).then((r) => r.total);
  async function loadCounts() {
    const [byStatus, grid] = await Promise.all([
      Promise.all(OPEN.map((s) => total({ status: s }))),
      Promise.all(CHANNELS.flatMap((ch) => OPEN.map((s) => total({ status: s, channel: ch })))),
    ]);
    OPEN.forEach((s, i) => setTile(s, byStatus[i]));
    setTile('open', byStatus.reduce((a, b) => a + b, 0));
    const head = h('tr', {}, h('th', { scope: 'col' }, t('wb.channel')), OPEN.map((s) => h('th', { scope: 'col', class: 'num' }, label('status', s))), h('th', { scope: 'col', class: 'num' }, t('wb.sum')));
    const rows = CHANNELS.map((ch, ci) => {
      const n = OPEN.map((s, si) => grid[ci * OPEN.length + si]);
      const sum = n.reduce((a, b) => a + b, 0);
      return h('tr', { dataset: { channel: ch }, class: sum ? '' : 'zero' }, h('th', { scope: 'row' }, label('channel', ch)),
        n.map((v) => h('td', { class: 'num' }, v ? fmtNumber(v) : '·')), h('td', { class: 'num strong' }, fmtNumber(sum)));
    });
    replace(chanTable, h('thead', {}, head), h('tbody', {}, rows));
    stamp();
  }

  // ---- look-ups waiting ---------------------------------------------------------------
  async function loadLookups() {
    const [open, claimed] = await Promise.all([get('/api/v1/lookups?status=open'), get('/api/v1/lookups?status=claimed')]);
    const items = open.items.slice().sort((a, b) => new Date(a.requested_at) - new Date(b.requested_at));
    const oldest = items[0];
    setTile('lookups', items.length, oldest
      ? t('wb.oldest', { d: fmtDuration((Date.now() - new Date(oldest.requested_at)) / 60000) })
      : t('wb.claimedN', { n: claimed.items.length }));
    replace(lookupBox, h('h3', {}, t('wb.lookupsOpen'), ` (${items.length} · ${t('wb.claimedN', { n: claimed.items.length })})`),
      items.length
        ? h('ol', { class: 'wait-list' }, items.slice(0, 6).map((l) => h('li', {},
          h('span', { class: 'mono' }, `#${l.id}`), ' ', t('lk.caseRef', { id: l.case_id }), ' · ',
          h('strong', {}, fmtDuration((Date.now() - new Date(l.requested_at)) / 60000)))))
        : h('p', { class: 'muted' }, t('wb.noLookups')));
    stamp();
  }

  // ---- today's contacts, last week's, breaches --------------------------------------
  const slim = (c) => ({ id: c.id, status: c.status, channel: c.channel, assignee_id: c.assignee_id, created_at: c.created_at, sla: c.sla });
  async function loadDays() {
    day = isoDay();
    const [tc, lw] = await Promise.all([
      allCases({ from: day, to: addDays(day, 1) }),
      allCases({ from: addDays(day, -7), to: addDays(day, -6) }),
    ]);
    today.clear();
    for (const c of tc) today.set(c.id, slim(c));
    lastWeek = lw.map(slim);
    await loadBreaches();
    renderDay();
  }

  // SLA breaches today: cases whose first-response or resolution due time fell
  // today and was missed, among today's cases and the ones still open. There
  // is no server filter for this (see the API notes), so it is recomputed each
  // minute: breaches happen by the clock, not by events.
  async function loadBreaches() {
    const open = (await Promise.all(OPEN.map((s) => allCases({ status: s }, 10)))).flat();
    const seen = new Map([...today.values()].map((c) => [c.id, c]));
    for (const c of open) seen.set(c.id, c);
    let n = 0;
    let now = 0;
    for (const c of seen.values()) {
      const s = c.sla || {};
      const fr = s.first_response_breached && s.first_response_due && isoDay(s.first_response_due) === day;
      const rs = s.resolution_breached && s.resolution_due && isoDay(s.resolution_due) === day;
      if (fr || rs) n++;
      if (s.resolution_breached && OPEN.includes(c.status)) now++;
    }
    setTile('breaches', n, t('wb.overdueNow', { n: now }));
  }

  function buckets(list) {
    const b = new Array(48).fill(0);
    for (const c of list) { const p = hcm(new Date(c.created_at)); b[p.hh * 2 + (p.mm >= 30 ? 1 : 0)]++; }
    return b;
  }

  function renderDay() {
    const bt = buckets(today.values());
    const bl = buckets(lastWeek);
    const nowP = hcm(new Date());
    const nowIdx = nowP.hh * 2 + (nowP.mm >= 30 ? 1 : 0);
    const sameTimeLastWeek = bl.slice(0, nowIdx + 1).reduce((a, b) => a + b, 0);
    setTile('today', today.size, t('wb.lastWeekSame', { n: sameTimeLastWeek }));
    // Open hours 07:30–17:30, widened to any half hour that saw contacts.
    let lo = 14;
    let hi = 36;
    bt.forEach((v, i) => { if (v || bl[i]) { lo = Math.min(lo, i); hi = Math.max(hi, i + 1); } });
    const labels = [];
    for (let i = lo; i < hi; i++) labels.push(`${String(Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`);
    const weekday = t('dow.' + hcm(new Date(addDays(day, -7) + 'T12:00:00+07:00')).dow);
    chartNote.textContent = t('wb.chartNote', { today: today.size, last: bl.reduce((a, b) => a + b, 0), weekday });
    drawChart(labels, bt.slice(lo, hi), bl.slice(lo, hi), weekday);
    renderAgents();
    stamp();
  }

  function drawChart(labels, a, b, weekday) {
    if (!window.Chart) return;
    const data = {
      labels,
      datasets: [
        { type: 'bar', label: t('wb.today'), data: a, backgroundColor: '#1f6fb2', borderRadius: 2, order: 2 },
        { type: 'line', label: t('wb.lastWeek', { weekday }), data: b, borderColor: '#d97706', backgroundColor: '#d97706', borderWidth: 2, pointRadius: 2, tension: 0.25, order: 1 },
      ],
    };
    if (chart) { chart.data = data; chart.update('none'); return; }
    const C = window.Chart;
    C.defaults.font.family = getComputedStyle(document.body).fontFamily;
    C.defaults.font.size = 12;
    chart = new C(canvas, {
      data,
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        plugins: { legend: { position: 'top', align: 'end', labels: { boxWidth: 12, sort: (a, b) => a.datasetIndex - b.datasetIndex } } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 10 } } },
      },
    });
  }

  // ---- agents and cases per operator ------------------------------------------------
  async function loadAgents() {
    const [a, q] = await Promise.all([get('/api/v1/acd/agents'), get('/api/v1/acd/queues')]);
    agents = new Map(a.items.map((x) => [x.agent, x]));
    for (const x of a.items) if (typeof x.phone_registered === 'boolean') phones.set(x.agent, x.phone_registered);
    queues = q.items || [];
    renderAgents();
    renderQueues();
  }

  function renderAgents() {
    const perOp = new Map();
    for (const c of today.values()) {
      if (!c.assignee_id) continue;
      const r = perOp.get(c.assignee_id) || { today: 0, open: 0 };
      r.today++;
      if (OPEN.includes(c.status)) r.open++;
      perOp.set(c.assignee_id, r);
    }
    const operators = [...users.values()].filter((u) => u.role === 'operator');
    // Officers take the calls transferred to their pool: listed while signed in.
    const officers = [...users.values()].filter((u) => u.role === 'officer');
    const rows = [...operators, ...officers]
      .map((u) => ({ u, a: agents.get(u.login), n: perOp.get(u.id) || { today: 0, open: 0 } }))
      .filter((r) => (r.a && r.a.state !== 'logged_out') || (r.u.role === 'operator' && r.n.today))
      .sort((x, y) => stateRank(x.a) - stateRank(y.a) || y.n.today - x.n.today || x.u.login.localeCompare(y.u.login));
    const loggedIn = operators.filter((u) => { const a = agents.get(u.login); return a && a.state !== 'logged_out'; }).length;
    agentPanel.title.textContent = `${t('wb.agents')} · ${t('wb.loggedIn', { n: loggedIn, of: operators.length })}`;
    const head = h('tr', {}, ['wb.op', 'wb.state', 'wb.phone', 'wb.since', 'wb.handled', 'wb.casesToday', 'wb.casesOpen']
      .map((k, i) => h('th', { scope: 'col', class: i >= 4 ? 'num' : '' }, t(k))));
    const body = rows.length ? rows.map(({ u, a, n }) => {
      const st = a ? a.state : 'logged_out';
      const since = a && a.since && new Date(a.since).getFullYear() > 2000 ? (Date.now() - new Date(a.since)) / 60000 : null;
      return h('tr', { dataset: { agent: u.login } },
        h('th', { scope: 'row' }, u.name, ' ', h('span', { class: 'muted small' }, u.login),
          u.role === 'officer' ? h('span', { class: 'muted small' }, ` · ${t('role.officer')}`) : null),
        h('td', {}, badge(label('agent', st), `ag-${st}`), st === 'not_ready' && a.reason ? h('span', { class: 'small muted' }, ` ${a.reason}`) : null),
        phoneCell(u.login),
        h('td', {}, since === null ? '—' : fmtDuration(since)),
        h('td', { class: 'num' }, a ? fmtNumber(a.handled) : '—'),
        h('td', { class: 'num' }, fmtNumber(n.today)),
        h('td', { class: 'num' }, fmtNumber(n.open)));
    }) : [h('tr', {}, h('td', { colspan: 7, class: 'muted' }, t('wb.noAgents')))];
    replace(agentTable, h('thead', {}, head), h('tbody', {}, body));
  }
  function phoneCell(login) {
    const on = phones.get(login);
    if (on === undefined) return h('td', { class: 'muted' }, '—');
    const text = t(on ? 'wb.phoneOn' : 'wb.phoneOff');
    return h('td', { dataset: { phone: on ? 'on' : 'off' } },
      h('span', { class: `phone-dot ${on ? 'on' : 'off'}`, title: text, 'aria-hidden': 'true' }, '☎'), ' ',
      h('span', { class: 'small' + (on ? '' : ' muted') }, text));
  }
  const stateRank = (a) => ({ busy: 0, reserved: 1, wrap_up: 2, ready: 3, not_ready: 4 })[a ? a.state : ''] ?? 5;

  function renderQueues() {
    const waiting = queues.reduce((s, q) => s + (q.waiting || 0), 0);
    replace(queueBox, h('h3', {}, t('wb.queues'), ` (${waiting})`),
      queues.length && waiting
        ? h('ul', { class: 'wait-list' }, queues.filter((q) => q.waiting).map((q) => h('li', {}, h('strong', {}, q.queue), ': ',
          t('wb.queueLine', { n: q.waiting, d: fmtDuration((q.oldest_wait_s || 0) / 60) }))))
        : h('p', { class: 'muted' }, t('wb.noQueue')));
  }

  // ---- recent calls (supervisors' GET /api/v1/calls, newest first) ---------------------
  let callsSeq = 0; // the latest read wins
  async function loadCalls() {
    const my = ++callsSeq;
    const r = await get('/api/v1/calls' + qs({ limit: CALL_ROWS }));
    if (my !== callsSeq) return;
    calls = r.items || [];
    renderCalls();
  }
  function renderCalls() {
    const head = h('tr', {}, ['calls.at', 'calls.caller', 'call.ivr', 'calls.wait', 'calls.agent', 'calls.result', 'calls.duration', 'calls.case', 'calls.recording']
      .map((k) => h('th', { scope: 'col', class: k === 'calls.wait' || k === 'calls.duration' ? 'num' : '' }, t(k))));
    callHint.hidden = !calls.some((c) => c.has_recording);
    if (!calls.length) {
      replace(callTable, h('thead', {}, head), h('tbody', {}, h('tr', {}, h('td', { colspan: 9, class: 'muted' }, t('wb.callsNone')))));
      return;
    }
    // A row being listened to keeps its player (and where it is in the
    // recording) across a refresh.
    const playing = new Map([...callTable.querySelectorAll('audio')].filter((a) => !a.paused || a.currentTime > 0).map((a) => [a.src, a]));
    const rows = calls.map((c) => {
      const rec = recordingPlayers(c);
      if (rec) for (const a of rec.querySelectorAll('audio')) { const old = playing.get(a.src); if (old) a.replaceWith(old); }
      return h('tr', { dataset: { callId: c.id, caseId: c.case_id ?? '', disposition: c.disposition || 'live' } },
        h('td', {}, fmtWhen(c.arrived_at)),
        h('td', { class: 'mono' }, c.caller),
        h('td', {}, ivrPath(c.ivr_path)),
        h('td', { class: 'num' }, c.queue_wait_s ? fmtSeconds(c.queue_wait_s) : '—'),
        h('td', {}, c.agent || '—', c.transferred_to ? h('span', { class: 'small muted' }, ` → ${transferTarget(c.transferred_to)}`) : null,
          c.direction === 'outbound' ? h('span', { class: 'small muted' }, ` · ↩ ${t('calls.outbound')}`) : null),
        h('td', {}, badge(dispositionLabel(c), `disp-${c.disposition || 'live'}`)),
        h('td', { class: 'num mono' }, c.answered_at && c.ended_at ? fmtClock(c.duration_s) : '—'),
        h('td', {}, c.case_id ? h('span', { class: 'mono' }, `#${c.case_id}`) : '—'),
        h('td', { class: 'rec-cell' }, rec || '—'));
    });
    replace(callTable, h('thead', {}, head), h('tbody', {}, rows));
  }

  // ---- registry alerts --------------------------------------------------------------------
  let alerts = []; // newest first, as GET /registry/alerts gives them
  const seen = new Set(); // alerts the supervisor marked as seen
  const alertKey = (a) => `${a.user_id ?? a.login}@${a.at}`;
  async function loadAlerts() {
    const r = await get('/api/v1/registry/alerts');
    alerts = (r.items || []).filter((a) => a && a.at);
    renderAlerts();
  }
  function renderAlerts() {
    const shown = alerts.filter((a) => isoDay(a.at) === day && !seen.has(alertKey(a)));
    if (!shown.length) { replace(alertsBox); return; }
    const dismiss = h('button', { type: 'button', class: 'btn-small', id: 'wb-alerts-seen', on: { click: () => {
      for (const a of shown) seen.add(alertKey(a));
      renderAlerts();
      document.getElementById('main')?.focus();
    } } }, t('wb.alertDismiss'));
    replace(alertsBox,
      h('strong', { class: 'wb-alerts-title' }, t('wb.alerts')),
      h('ul', {}, shown.slice(0, 3).map((a) => h('li', { dataset: { login: a.login || '' } },
        t('wb.alertLine', { name: a.name || a.login || '', login: a.login || '', n: a.last_hour ?? '', time: fmtTime(a.at) })))),
      shown.length > 3 ? h('span', { class: 'small' }, t('wb.alertMore', { n: shown.length - 3 })) : null,
      dismiss);
  }

  // ---- live -----------------------------------------------------------------------------
  const recount = debounce(() => loadCounts().catch(() => {}), 120);
  const relookups = debounce(() => loadLookups().catch(() => {}), 120);
  const redraw = debounce(renderDay, 80);
  const recalls = debounce(() => loadCalls().catch(() => {}), 400);
  // A call's record is final: show it now (a short debounce for a burst).
  const recallsNow = debounce(() => loadCalls().catch(() => {}), 50);
  function onCase(ev) {
    const c = ev.case;
    if (c && isoDay(c.created_at) === day) {
      const prev = today.get(c.id);
      today.set(c.id, { ...prev, ...c, sla: prev && prev.sla });
      redraw();
    }
    recount();
  }
  live.on('case.created', onCase);
  live.on('case.updated', onCase);
  live.on('lookup.created', relookups);
  live.on('lookup.updated', relookups);
  live.on('agent.state', (ev) => {
    const a = agents.get(ev.agent) || { agent: ev.agent, handled: 0, contacts: [] };
    agents.set(ev.agent, { ...a, state: ev.state, reason: ev.reason || '', since: new Date().toISOString() });
    renderAgents();
    recalls();
  });
  live.on('call.ended', () => { recalls.cancel(); recallsNow(); });
  live.on('queue.updated', (ev) => {
    queues = Array.isArray(ev.queues) ? ev.queues : (ev.queues && ev.queues.items) || [];
    renderQueues();
    recalls();
  });
  live.on('phone.registration', (ev) => {
    if (!ev.agent) return;
    phones.set(ev.agent, !!ev.registered);
    renderAgents();
  });
  live.on('registry.alert', (ev) => {
    if (!ev.at) return;
    alerts = [ev, ...alerts.filter((a) => alertKey(a) !== alertKey(ev))];
    renderAlerts();
  });
  live.on('resync', () => loadAll());

  async function loadAll() {
    await Promise.all([loadCounts(), loadLookups(), loadAgents(), loadDays(), loadAlerts().catch(() => {}), loadCalls().catch(() => {})]);
  }

  (async () => {
    try {
      const u = await get('/api/v1/users');
      for (const x of u.items) users.set(x.id, x);
      await loadChartLib().catch(() => { chartNote.textContent = t('wb.noChartLib'); });
      await loadAll();
    } catch (err) {
      tileRow.after(h('p', { class: 'error-text', role: 'alert' }, err.message));
    }
  })();
  timers.push(setInterval(() => {
    if (isoDay() !== day) { loadDays().then(renderAlerts).catch(() => {}); return; }
    loadBreaches().catch(() => {});
    loadLookups().catch(() => {});
    loadCalls().catch(() => {});
    renderAgents();
  }, 60000));

  return () => { timers.forEach(clearInterval); recount.cancel(); relookups.cancel(); redraw.cancel(); recalls.cancel(); recallsNow.cancel(); if (chart) chart.destroy(); };
}

// Chart.js is copied into web/vendor/ by scripts/vendor-web (run by make).
let chartLib = null;
function loadChartLib() {
  if (window.Chart) return Promise.resolve();
  chartLib = chartLib || new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = '/vendor/chart.umd.min.js';
    s.onload = resolve;
    s.onerror = () => { chartLib = null; reject(new Error('chart.js')); };
    document.head.append(s);
  });
  return chartLib;
}

