// One case as the operator works it: facts, SLA, caller verification against
// the registry, look-ups with their answers, the calls behind it (with the
// recordings for supervisors), escalation to the back office, status moves,
// replies and notes, history.
import { get, post } from './api.js';
import { t, fmtDateTime, label } from './i18n.js';
import { h, replace, field, input, select, alertBox, showError, clearErrors, badge, notify } from './dom.js';
import { catName } from './categories.js';
import { caseRemaining, countdown } from './sla.js';
import { createVerifyStep } from './registry.js';
import { fmtClock, fmtSeconds, ivrPath, dispositionLabel, transferTarget, recordingPlayers } from './phone.js';

// Where each status may go next (mirrors the server's case workflow; the
// server still decides, and its 409 message is shown if it disagrees).
const NEXT = {
  new: ['in_progress', 'waiting_citizen', 'answered', 'closed'],
  in_progress: ['waiting_citizen', 'answered', 'closed'],
  waiting_citizen: ['in_progress', 'answered', 'closed'],
  waiting_lookup: [],
  answered: ['closed', 'in_progress'],
  closed: ['in_progress'],
};
const CAN_ESCALATE = new Set(['new', 'in_progress', 'waiting_citizen']);

export const statusBadge = (s) => badge(label('status', s), `st-${s}`);

export function createCaseView({ onChanged, user }) {
  const el = h('div', { class: 'case-view' });
  let current = null; // {c, fetchedAt}
  let escalateOpen = false;
  // The verification step of the case on screen, kept across redraws (live
  // updates) so that what was typed and answered stays; a new one per case.
  let verify = null; // {caseId, step}

  // Operators verify callers only on cases they created or hold, never closed ones.
  function verifyStep(c) {
    const mine = user && (c.created_by === user.id || c.assignee_id === user.id);
    if (!mine || c.status === 'closed') return null;
    if (!verify || verify.caseId !== c.id) verify = { caseId: c.id, step: createVerifyStep(c) };
    return verify.step.el;
  }

  async function show(id, { focus = true } = {}) {
    const [c, hist, calls] = await Promise.all([
      get(`/api/v1/cases/${id}`),
      get(`/api/v1/cases/${id}/history`).catch(() => ({ events: [], messages: [] })),
      get(`/api/v1/cases/${id}/calls`).catch(() => null),
    ]);
    const before = current && current.c.id === c.id ? current.c : null;
    current = { c, hist, fetchedAt: Date.now() };
    setCalls(c.id, calls);
    render();
    if (focus) el.querySelector('h2')?.focus();
    return { before, after: c };
  }

  const refresh = () => (current ? show(current.c.id, { focus: false }) : Promise.resolve({}));

  function facts(c) {
    const sla = c.sla || {};
    const rows = [
      ['case.channel', label('channel', c.channel)],
      ['case.caller', c.contact.name || '—'],
      ['case.phone', c.contact.phone || c.contact.email || c.contact.zalo_id || c.contact.facebook_id || '—'],
      ['case.cid', c.citizen_id || '—'],
      ['case.category', catName(c.category)],
      ['case.created', fmtDateTime(c.created_at)],
      ['case.firstDue', sla.first_response_due ? fmtDateTime(sla.first_response_due) + (sla.first_response_breached ? ` · ${t('sla.breached')}` : '') : '—'],
      ['case.resolutionDue', sla.paused ? t('sla.paused') : (sla.resolution_due ? fmtDateTime(sla.resolution_due) : '—')],
    ];
    return h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', {}, t(k)), h('dd', { class: k === 'case.cid' || k === 'case.phone' ? 'mono' : '' }, v)]));
  }

  function lookupsBlock(c) {
    if (!c.lookups || !c.lookups.length) return null;
    return h('section', { class: 'lookups', 'aria-label': t('case.lookups') },
      h('h3', {}, t('case.lookups')),
      c.lookups.map((l) => h('article', { class: `lookup-card lc-${l.status}`, dataset: { lookupId: l.id } },
        h('div', { class: 'lookup-head' }, badge(label('lookup', l.status), `ls-${l.status}`),
          h('span', { class: 'muted small' }, t('lookup.requestedAt', { d: fmtDateTime(l.requested_at) }), ' · ', t('lookup.dueAt', { d: fmtDateTime(l.due_at) }))),
        h('p', {}, h('strong', {}, t('lookup.what') + ': '), l.what),
        h('p', { class: 'muted' }, t('lookup.reason') + ': ' + l.reason),
        l.status === 'answered'
          ? h('div', { class: 'lookup-answer', role: 'note' },
            h('strong', {}, t('lookup.answer') + ` (${fmtDateTime(l.answered_at)}${l.replied_to_citizen ? ' · ' + t('lookup.repliedCitizen') : ''}):`),
            h('p', { class: 'answer-text' }, l.answer))
          : null)));
  }

  // ---- the calls behind the case ------------------------------------------------------
  // Its own box, redrawn alone, without redrawing the forms of the case
  // around it: the desks call refreshCalls() when call.ended says a call of
  // this case has its final record; a call still going that someone else
  // handles (no call.ended here) is fetched again on the clock (tick).
  const callsBox = h('section', { class: 'case-calls', 'aria-label': t('calls.title') });
  let calls = { caseId: null, items: [], at: 0 };
  const isSupervisor = () => !!user && user.role === 'supervisor';

  function setCalls(caseId, r) {
    if (r) calls = { caseId, items: r.items || [], at: Date.now() };
    else if (calls.caseId !== caseId) calls = { caseId, items: [], at: Date.now() };
    drawCalls();
  }
  let callsSeq = 0; // the latest read wins
  async function refreshCalls() {
    if (!current) return;
    const id = current.c.id;
    const my = ++callsSeq;
    const r = await get(`/api/v1/cases/${id}/calls`).catch(() => null);
    if (my !== callsSeq || !current || current.c.id !== id) return;
    setCalls(id, r);
  }

  function drawCalls() {
    const items = calls.items;
    if (!items.length) { replace(callsBox); callsBox.hidden = true; return; }
    callsBox.hidden = false;
    const sup = isSupervisor();
    replace(callsBox, h('h3', {}, t('calls.title')),
      h('ul', { class: 'call-records' }, items.map((k) => h('li', { dataset: { callId: k.id, disposition: k.disposition || 'live' } },
        h('div', { class: 'cr-line' },
          h('span', { class: 'cr-when' }, fmtDateTime(k.arrived_at)),
          badge(dispositionLabel(k), `disp-${k.disposition || 'live'}`),
          k.direction === 'outbound' ? h('span', { class: 'small muted cr-outbound' }, `↩ ${t('calls.outbound')}`) : null,
          k.answered_at && k.ended_at ? h('span', { class: 'mono', title: t('calls.duration') }, fmtClock(k.duration_s)) : null,
          k.agent ? h('span', { class: 'cr-agent' }, k.agent) : null,
          k.transferred_to ? h('span', { class: 'muted small' }, t('calls.transferredTo', { to: transferTarget(k.transferred_to) })) : null),
        h('div', { class: 'cr-line small muted' },
          h('span', { class: 'mono' }, k.caller), ' · ', t('call.ivr'), ': ', ivrPath(k.ivr_path),
          k.queue_wait_s ? ` · ${t('calls.wait')} ${fmtSeconds(k.queue_wait_s)}` : ''),
        sup ? recordingPlayers(k) : null))),
      sup && items.some((k) => k.has_recording) ? h('p', { class: 'small muted rec-hint' }, t('calls.audited')) : null);
  }

  function escalateForm(c) {
    const what = h('textarea', { rows: 3 });
    const reason = input();
    const alert = alertBox();
    const form = h('form', { class: 'subform', novalidate: true, 'aria-label': t('esc.title') },
      h('h3', {}, t('esc.title')),
      field(t('esc.what'), what, { name: 'what', hint: t('esc.whatHint') }),
      field(t('esc.reason'), reason, { name: 'reason' }),
      alert,
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'btn-primary' }, t('esc.send')),
        h('button', { type: 'button', class: 'btn', on: { click: () => { escalateOpen = false; render(); } } }, t('common.cancel'))));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      try {
        await post(`/api/v1/cases/${c.id}/escalate`, { what: what.value.trim(), reason: reason.value.trim() });
        escalateOpen = false;
        notify(t('esc.done', { id: c.id }));
        await refresh();
        onChanged();
      } catch (err) { showError(form, err, alert); }
    });
    form.addEventListener('keydown', (e) => { if (e.key === 'Escape') { escalateOpen = false; render(); } });
    setTimeout(() => what.focus());
    return form;
  }

  function messageForm(c) {
    const kind = select([['reply', t('msg.reply')], ['note', t('msg.note')]], { value: 'note' });
    const body = h('textarea', { rows: 2 });
    const alert = alertBox();
    const form = h('form', { class: 'subform msg-form', novalidate: true, 'aria-label': t('msg.title') },
      h('div', { class: 'row' }, field(t('msg.kind'), kind, { name: 'kind' }), field(t('msg.body'), body, { name: 'body', cls: 'grow2' })),
      alert,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, t('msg.send'))));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      try {
        await post(`/api/v1/cases/${c.id}/messages`, { kind: kind.value, body: body.value.trim() });
        body.value = '';
        await refresh();
        onChanged();
      } catch (err) { showError(form, err, alert); }
    });
    return form;
  }

  function actions(c, alert) {
    const bar = h('div', { class: 'actions case-actions' });
    // Officers answer look-ups; they do not file them.
    if (CAN_ESCALATE.has(c.status) && !(user && user.role === 'officer')) {
      bar.append(h('button', { type: 'button', class: 'btn-primary', id: 'btn-escalate',
        on: { click: () => { escalateOpen = true; render(); } } }, t('esc.open')));
    }
    for (const s of NEXT[c.status] || []) {
      const key = c.status === 'closed' ? 'act.reopen' : `act.${s}`;
      bar.append(h('button', { type: 'button', class: 'btn', on: { click: async () => {
        try {
          await post(`/api/v1/cases/${c.id}/status`, { status: s });
          await refresh();
          onChanged();
        } catch (err) { alert.textContent = err.message; alert.hidden = false; }
      } } }, t(key)));
    }
    if (c.status === 'waiting_lookup') bar.append(h('span', { class: 'muted' }, t('case.waitingLookup')));
    return bar;
  }

  function timeline(hist) {
    const items = [
      ...hist.messages.map((m) => ({ at: m.at, who: m.author_name, text: m.body, kind: m.kind })),
      ...hist.events.filter((e) => !['reply', 'note'].includes(e.kind)).map((e) => ({ at: e.at, who: e.actor_name, text: '', kind: e.kind })),
    ].sort((a, b) => new Date(a.at) - new Date(b.at));
    if (!items.length) return null;
    return h('section', { class: 'timeline', 'aria-label': t('case.history') }, h('h3', {}, t('case.history')),
      h('ol', {}, items.map((i) => h('li', { class: `tl-${i.kind}` },
        h('span', { class: 'tl-when' }, fmtDateTime(i.at)), ' ',
        h('span', { class: 'tl-kind' }, t('ev.' + i.kind)), ' · ', h('span', { class: 'tl-who' }, i.who || ''),
        i.text ? h('p', { class: 'tl-text' }, i.text) : null))));
  }

  function render() {
    if (!current) { replace(el, h('p', { class: 'muted' }, t('case.none'))); return; }
    const { c, hist, fetchedAt } = current;
    const cd = countdown(caseRemaining(c, fetchedAt));
    const alert = alertBox();
    // A live redraw re-attaches the verification form: keep the typist's place.
    const active = document.activeElement;
    const keep = verify && verify.caseId === c.id && verify.step.el.contains(active) ? active : null;
    replace(el,
      h('div', { class: 'case-head' },
        h('h2', { tabindex: -1 }, t('case.title', { id: c.id })),
        statusBadge(c.status), badge(label('priority', c.priority), `pr-${c.priority}`),
        cd.text ? h('span', { class: `sla ${cd.cls}`, dataset: { slaFor: c.id } }, cd.text) : null),
      facts(c),
      verifyStep(c),
      h('h3', {}, t('case.description')),
      h('p', { class: 'description' }, c.description),
      lookupsBlock(c),
      callsBox,
      alert,
      escalateOpen ? escalateForm(c) : actions(c, alert),
      messageForm(c),
      timeline(hist));
    if (keep && keep.isConnected) keep.focus();
  }

  function tick() {
    if (!current) return;
    // A call of this case still going: its record changes when it ends.
    if (calls.items.some((k) => !k.ended_at) && Date.now() - calls.at > 10000) refreshCalls();
    const s = el.querySelector('.case-head .sla');
    if (!s) return;
    const cd = countdown(caseRemaining(current.c, current.fetchedAt));
    s.textContent = cd.text;
    s.className = `sla ${cd.cls}`;
  }

  render();
  return { el, show, refresh, refreshCalls, tick, get id() { return current ? current.c.id : null; } };
}
