// The agent's desk phone, shared by the operator's and the officer's desks:
// the state switch (sẵn sàng / tạm nghỉ / rời hàng chờ), whether the desk
// phone is registered, and the current-call panel driven by the live events
// call.offered (ringing: the screen pop), call.answered (connected, with the
// case the server opened), call.hold (the phone's own hold button),
// call.transferred (a colleague put a call through), call.transfer_failed
// (the extension did not answer: the caller is back), call.ended (the call's
// record is written: back to idle) and agent.state (no contact any more).
// Callbacks too: callback.offered pops "Yêu cầu gọi lại" (accept / decline),
// callback.withdrawn takes it back, and an accepted one stays on the panel
// with its number until the agent marks it done. Also the pieces that show a
// call record (IVR path, outcome, recording player) elsewhere.
import { get, post } from './api.js';
import { t, fmtDuration, fmtWhen, label } from './i18n.js';
import { h, replace, field, select, input, panel, badge, notify, uid, setMsg } from './dom.js';
import { catName } from './categories.js';

const BREAK_REASONS = ['break', 'lunch', 'meeting', 'training', 'admin', 'other'];
const OFFICERS = 'officers';

const pad = (n) => String(n).padStart(2, '0');

/** "45 giây", "2 phút 05 giây", then hours and minutes. */
export function fmtSeconds(total) {
  const s = Math.max(0, Math.round(Number(total) || 0));
  if (s < 60) return t('dur.s', { s });
  if (s < 3600) return t('dur.ms', { m: Math.floor(s / 60), s: pad(s % 60) });
  return fmtDuration(s / 60);
}

/** A running call clock: 0:07, 12:40, 1:02:03. */
export function fmtClock(total) {
  const s = Math.max(0, Math.floor(Number(total) || 0));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  return hh ? `${hh}:${pad(mm)}:${pad(s % 60)}` : `${mm}:${pad(s % 60)}`;
}

/** The keys a caller pressed in the IVR ("1>2"), as keycaps: 1 › 2. */
export function ivrPath(path) {
  const keys = String(path || '').split(/[>,\s]+/).filter(Boolean);
  if (!keys.length) return h('span', { class: 'muted ivr-path', dataset: { ivr: '' } }, t('call.ivrNone'));
  const parts = [];
  keys.forEach((k, i) => { if (i) parts.push(h('span', { class: 'ivr-sep', 'aria-hidden': 'true' }, '›')); parts.push(h('kbd', {}, k)); });
  return h('span', { class: 'ivr-path', dataset: { ivr: keys.join('>') } }, parts);
}

/** Outcome of a call record; a call still going has no disposition yet. */
export const dispositionLabel = (c) => (c.disposition ? label('disp', c.disposition) : t('disp.live'));

/** Who a call went on to: an extension's login, or the officers' pool. */
export const transferTarget = (to) => (to === OFFICERS ? t('call.officersPool') : to);

/**
 * Players for a call's recording (supervisors only: the server refuses
 * others, and audits every play). preload="none": nothing is fetched, so
 * nothing is audited, until the supervisor presses play.
 */
export function recordingPlayers(c) {
  if (!c.has_recording) return null;
  const player = (src, name) => h('audio', { controls: true, preload: 'none', src, 'aria-label': name, dataset: { callId: c.id } });
  return h('div', { class: 'rec-players' },
    player(`/api/v1/calls/${c.id}/recording`, t('calls.recordingOf', { id: c.id })),
    c.has_transfer_recording ? player(`/api/v1/calls/${c.id}/recording?part=transfer`, t('calls.recordingTransfer', { id: c.id })) : null);
}

/**
 * createAgentPhone({user, live, hint, onRinging, onAnswered, onOpenCase, onNewCaseFor, onIdle, onCallEnded, onCallbackOffered})
 *   → {toolbar, callPanel, load(), me, dispose()}
 * onRinging(offer): the phone rings (prefill, history); onAnswered(caseId):
 * the call is connected and the server opened that case; onOpenCase(id): a
 * case button was pressed, or a callback was accepted (its case); onIdle(call):
 * the call is over; onCallEnded(ev): a call of this agent has its final record
 * (call.ended, with its case_id): a desk showing that case reads its calls again;
 * onCallbackOffered(offer): a callback pops (the caller's history).
 */
export function createAgentPhone({ user, live, hint, onRinging, onAnswered, onOpenCase, onNewCaseFor, onIdle, onCallEnded, onCallbackOffered }) {
  let me = null;
  let call = null; // {phase: ringing|connected|transferring, at, contact, caller, …, connectedAt, onHold, via, notice}
  let cb = null; // a callback: {phase: offered|accepted, at, contact, number, case_id, requested_at, dialling, connected, unreached}
  let ui = null; // the transfer controls of the current call, kept across redraws
  let clock = 0;
  let pending = ''; // a message left from the call (or callback) that just ended
  let pendingOk = false; // …good news rather than a problem
  let meSeq = 0; // the latest state read: an older answer arriving late is dropped

  // ---- state switch and phone indicator -------------------------------------------
  const stateBadge = h('span', { class: 'agent-state', id: 'my-state', 'aria-live': 'polite' });
  const reason = select(BREAK_REASONS.map((r) => [t('break.' + r), t('break.' + r)]));
  const btnReady = h('button', { type: 'button', class: 'btn-state st-ready', id: 'btn-ready' }, t('agent.goReady'));
  const btnBreak = h('button', { type: 'button', class: 'btn-state st-break', id: 'btn-break' }, t('agent.goBreak'));
  const btnWrap = h('button', { type: 'button', class: 'btn-state', id: 'btn-wrap' }, t('agent.wrapDone'));
  const btnOut = h('button', { type: 'button', class: 'btn-ghost-dark', id: 'btn-out' }, t('agent.goOut'));
  const stateAlert = h('span', { class: 'inline-alert', role: 'alert' });
  const phoneEl = h('span', { class: 'phone-indicator', id: 'phone-indicator', role: 'status' });

  // Hidden until the server has said (GET /acd/me, then phone.registration events).
  phoneEl.hidden = true;
  function setPhone(registered) {
    if (registered === undefined) return;
    phoneEl.hidden = false;
    phoneEl.dataset.registered = String(!!registered);
    phoneEl.className = `phone-indicator ${registered ? 'on' : 'off'}`;
    phoneEl.title = registered ? '' : t('phone.offHint');
    replace(phoneEl, h('span', { class: 'phone-icon', 'aria-hidden': 'true' }, '☎'), ' ', t(registered ? 'phone.on' : 'phone.off'));
  }

  async function setState(state, why) {
    stateAlert.textContent = '';
    const started = Date.now();
    ++meSeq; // a state read still on its way is older than this answer
    try {
      me = await post('/api/v1/acd/me/state', why ? { state, reason: why } : { state });
      afterMe(started);
    } catch (err) { stateAlert.textContent = err.message; }
  }
  btnReady.addEventListener('click', () => setState('ready'));
  btnBreak.addEventListener('click', () => setState('not_ready', reason.value));
  btnWrap.addEventListener('click', () => setState('wrap_up_done'));
  btnOut.addEventListener('click', () => setState('logged_out'));

  function renderState() {
    if (!me) return;
    const since = me.since && new Date(me.since).getFullYear() > 2000 ? new Date(me.since) : null;
    const mins = since ? (Date.now() - since) / 60000 : null;
    replace(stateBadge, badge(label('agent', me.state), `ag-${me.state}`),
      me.state === 'not_ready' && me.reason ? ` ${me.reason}` : '',
      mins !== null ? h('span', { class: 'muted small' }, ` · ${fmtDuration(mins)}`) : '');
    btnReady.disabled = me.state === 'ready' || me.state === 'busy' || me.state === 'reserved';
    btnBreak.disabled = me.state === 'busy' || me.state === 'reserved';
    btnWrap.disabled = me.state !== 'wrap_up';
    btnOut.disabled = me.state === 'logged_out' || me.state === 'busy';
  }

  const toolbar = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': t('agent.toolbar') },
    h('span', { class: 'toolbar-label' }, t('agent.state')), stateBadge,
    h('span', { class: 'sep' }), btnReady,
    h('span', { class: 'break-group' }, field(t('agent.breakReason'), reason, { cls: 'inline' }), btnBreak),
    btnWrap, btnOut, h('span', { class: 'sep' }), phoneEl, stateAlert,
    hint ? h('span', { class: 'toolbar-hint', title: hint }, hint) : null);

  // ---- agent state from the server ------------------------------------------------
  async function loadMe() {
    const my = ++meSeq;
    const started = Date.now();
    try {
      const m = await get('/api/v1/acd/me');
      if (my !== meSeq) return;
      me = m;
      afterMe(started);
    } catch (err) { stateAlert.textContent = err.message; }
  }

  // `started`: when the state was asked for. A state read before the phone
  // rang says nothing about this call.
  function afterMe(started) {
    renderState();
    setPhone(me.phone_registered);
    const contacts = me.contacts || [];
    // A callback the server still has for us (a reloaded desk), if it says so.
    if (!cb && me.callback && me.callback.contact) {
      cb = { at: started, phase: me.callback.state === 'accepted' ? 'accepted' : 'offered', ...me.callback };
    } else if (cb && started >= cb.at && !contacts.includes(cb.contact)) {
      cb = null; // over, or taken back, while this desk was not listening
    }
    if (!call && me.call && me.call.contact) {
      // A desk (re)loaded in the middle of a call: the server says which.
      const mc = me.call;
      const via = me.state === 'not_ready' && me.reason === 'transferred_call' ? 'transfer' : undefined;
      const since = mc.connected_at ? Date.parse(mc.connected_at) : NaN;
      startCall({ phase: mc.state === 'ringing' ? 'ringing' : 'connected', contact: via ? undefined : mc.contact,
        caller: mc.caller, ivr_path: mc.ivr_path, case_id: mc.case_id ?? undefined, from: mc.from || undefined,
        via, held: via === 'transfer', onHold: !!mc.on_hold,
        connectedAt: Number.isFinite(since) ? since : Date.now() });
      return;
    }
    if (!call) {
      // No details from the server (an older one): connected, without the pop's details.
      const ct = contacts.find((c) => /^call-/.test(c) && !(cb && c === cb.contact));
      if (me.state === 'busy' && ct) {
        const since = me.since ? Date.parse(me.since) : NaN;
        startCall({ phase: 'connected', contact: ct, connectedAt: Number.isFinite(since) ? since : Date.now() });
        return;
      }
    } else if (started >= call.at) {
      let over;
      if (call.via === 'transfer') {
        // A call put through by a colleague is not a contact of ours: the
        // server holds us "not ready (transferred_call)" while it lasts.
        const held = me.state === 'not_ready' && me.reason === 'transferred_call';
        if (held) call.held = true;
        over = call.held && !held;
      } else {
        over = call.contact ? !contacts.includes(call.contact) : contacts.length === 0;
      }
      if (over) { endCall(); return; }
    }
    renderCall();
  }

  // ---- the call --------------------------------------------------------------------
  const callPanel = panel(t('call.title'), { cls: 'call-panel' });
  callPanel.el.id = 'call-panel';
  const callAlert = h('div', { class: 'form-alert', role: 'alert', id: 'call-alert', hidden: true });
  // Kept across redraws (a hold redraw must not announce it again).
  const noticeEl = h('p', { class: 'inline-alert call-notice', id: 'call-notice', role: 'alert', hidden: true });
  let timerEl = null;

  function startCall(c) {
    call = { at: Date.now(), onHold: false, ...c };
    ui = null;
    pending = '';
    callAlert.hidden = true;
    callAlert.textContent = '';
    clearInterval(clock);
    if (call.phase !== 'ringing') startClock();
    renderCall();
  }
  function startClock() {
    clearInterval(clock);
    clock = setInterval(() => { if (timerEl && call && call.connectedAt) timerEl.textContent = fmtClock((Date.now() - call.connectedAt) / 1000); }, 1000);
  }
  function endCall(message) {
    const was = call;
    call = null;
    ui = null;
    clearInterval(clock);
    pending = message || '';
    pendingOk = false;
    renderCall();
    if (was && was.phase === 'transferring' && !message) notify(t('call.transferredTo', { to: transferTarget(was.transferTo) }));
    else if (was && was.phase !== 'ringing' && !message) notify(t('call.ended'));
    if (was && onIdle) onIdle(was);
  }
  function showCallError(err) {
    if (err.code === 'no_active_call') { endCall(err.message); return; }
    callAlert.textContent = err.message;
    callAlert.hidden = false;
  }

  function fact(k, v, attrs = {}) { return [h('dt', {}, k), h('dd', attrs, v)]; }

  function callFacts(c, { caller = true } = {}) {
    const keyed = c.keyed_id
      ? [h('span', { class: 'mono' }, c.keyed_id), ' ',
        c.keyed_verified ? badge(t('call.verified'), 'ok-badge') : badge(t('call.unverified'), 'warn-badge')]
      : null;
    const from = c.transferred_from || c.from;
    return h('dl', { class: 'facts one call-facts' },
      caller && c.caller ? fact(t('call.caller'), c.caller, { class: 'mono call-number', dataset: { caller: c.caller } }) : null,
      c.ivr_path !== undefined ? fact(t('call.ivr'), ivrPath(c.ivr_path)) : null,
      keyed ? fact(t('call.keyedId'), keyed, { dataset: { verified: String(!!c.keyed_verified) } }) : null,
      c.waited_s !== undefined ? fact(t('call.waited'), fmtSeconds(c.waited_s)) : null,
      from ? fact(t('call.fromLabel'), from, { class: 'call-from', dataset: { from } }) : null,
      c.case_id ? fact(t('call.case'), h('button', { type: 'button', class: 'linkish', id: 'call-case', dataset: { caseId: c.case_id },
        on: { click: () => onOpenCase && onOpenCase(c.case_id) } }, t('call.openCase', { id: c.case_id }))) : null);
  }

  function earlier(c) {
    if (!Array.isArray(c.earlier_cases)) return null;
    // A call handed on (officers' pool) has its own case among the caller's: not "earlier".
    const items = c.earlier_cases.filter((e) => e.id !== c.case_id);
    if (!items.length) return h('p', { class: 'small muted' }, t('call.noEarlier'));
    return h('div', { class: 'call-earlier' }, h('h3', {}, t('call.earlier')),
      h('ul', {}, items.map((e) => h('li', {}, h('button', { type: 'button', class: 'chip', dataset: { caseId: e.id },
        on: { click: () => onOpenCase && onOpenCase(e.id) } },
      h('strong', {}, `#${e.id}`), ' ', badge(label('status', e.status), `st-${e.status}`), ' ', catName(e.category),
      e.created_at ? h('span', { class: 'muted small' }, ` · ${fmtWhen(e.created_at)}`) : null)))));
  }

  // The hold button and the transfer form, made once per call so that what
  // is typed survives a redraw.
  function controls() {
    if (ui) return ui;
    const holdBtn = h('button', { type: 'button', class: 'btn', id: 'btn-hold', 'aria-pressed': 'false' }, t('call.hold'));
    const transferBtn = h('button', { type: 'button', class: 'btn', id: 'btn-transfer', 'aria-expanded': 'false' }, t('call.transfer'));
    const name = uid('tk');
    const toOfficers = h('input', { type: 'radio', name, value: OFFICERS, id: 'transfer-officers', checked: true });
    const toExt = h('input', { type: 'radio', name, value: 'ext', id: 'transfer-kind-ext' });
    const listId = uid('exts');
    const ext = input({ id: 'transfer-ext', list: listId, class: 'mono', disabled: true });
    const exts = h('datalist', { id: listId });
    const go = h('button', { type: 'submit', class: 'btn-primary', id: 'btn-transfer-go' }, t('call.transferGo'));
    const form = h('form', { class: 'transfer-form', novalidate: true, hidden: true, 'aria-label': t('call.transfer') },
      h('fieldset', { class: 'radios' }, h('legend', {}, t('call.transferTo')),
        h('div', {}, toOfficers, h('label', { for: toOfficers.id }, t('call.toOfficers'))),
        h('div', {}, toExt, h('label', { for: toExt.id }, t('call.toExt')))),
      field(t('call.ext'), ext, { name: 'to', hint: t('call.extHint') }), exts,
      h('div', { class: 'actions' }, go));
    const kind = () => (toExt.checked ? 'ext' : OFFICERS);
    const syncKind = () => { ext.disabled = kind() !== 'ext'; if (ext.disabled) setMsg(ext, ''); };
    toOfficers.addEventListener('change', syncKind);
    toExt.addEventListener('change', () => { syncKind(); ext.focus(); });

    holdBtn.addEventListener('click', async () => {
      if (!call) return;
      callAlert.hidden = true;
      holdBtn.disabled = true;
      try {
        const r = await post('/api/v1/acd/me/hold', { on: !call.onHold });
        if (call) call.onHold = !!(r && r.on_hold);
        renderCall();
      } catch (err) { showCallError(err); } finally { holdBtn.disabled = false; }
    });
    transferBtn.addEventListener('click', () => {
      form.hidden = !form.hidden;
      transferBtn.setAttribute('aria-expanded', String(!form.hidden));
      if (!form.hidden) { loadExtensions(exts); (kind() === 'ext' ? ext : toOfficers).focus(); }
    });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!call) return;
      callAlert.hidden = true;
      setMsg(ext, '');
      const to = kind() === 'ext' ? ext.value.trim() : OFFICERS;
      go.disabled = true;
      call.notice = '';
      // A busy extension fails at once: its call.transfer_failed may come
      // before this answer, and then the call is not "transferring" any more.
      const fails = call.fails || 0;
      try {
        const r = await post('/api/v1/acd/me/transfer', { to });
        if (call) {
          form.hidden = true;
          transferBtn.setAttribute('aria-expanded', 'false');
          if ((call.fails || 0) === fails) {
            call.phase = 'transferring';
            call.transferTo = (r && r.transferring_to) || to;
            call.onHold = false;
            notify(t('call.transferring', { to: transferTarget(call.transferTo) }));
          }
          renderCall();
        }
      } catch (err) {
        if (err.field === 'to' && kind() === 'ext') { setMsg(ext, err.message, 'error'); ext.focus(); }
        else showCallError(err);
      } finally { go.disabled = false; }
    });
    ui = { holdBtn, transferBtn, form };
    return ui;
  }

  // Extensions one may transfer to: colleagues signed in with a registered phone.
  async function loadExtensions(list) {
    try {
      const r = await get('/api/v1/acd/agents');
      replace(list, (r.items || []).filter((a) => a.agent !== user.login && a.phone_registered && a.state !== 'logged_out')
        .map((a) => h('option', { value: a.agent }, label('agent', a.state))));
    } catch { /* the field still takes any login */ }
  }

  function renderCall() {
    timerEl = null;
    const c = call;
    if (!c) { if (cb) renderCallback(); else renderIdle(); return; }
    if (c.phase === 'ringing') {
      // A fresh role="alert" node: screen readers announce the pop at once.
      replace(callPanel.body, h('div', { class: 'call-pop ringing', id: 'call-pop', role: 'alert', 'aria-live': 'assertive', dataset: { contact: c.contact || '' } },
        h('div', { class: 'call-status' }, h('span', { class: 'ring-icon', 'aria-hidden': 'true' }, '☎'),
          h('strong', {}, t('call.ringing')),
          c.caller ? h('span', { class: 'call-big mono', dataset: { caller: c.caller }, 'aria-label': `${t('call.caller')} ${c.caller}` }, c.caller) : null),
        h('p', { class: 'small muted' }, t('call.ringingHint')),
        callFacts(c, { caller: false }), earlier(c)), callAlert);
      return;
    }
    const k = controls();
    timerEl = h('span', { class: 'call-timer mono', id: 'call-timer', 'aria-label': t('call.duration') },
      fmtClock((Date.now() - (c.connectedAt || Date.now())) / 1000));
    k.holdBtn.textContent = c.onHold ? t('call.resume') : t('call.hold');
    k.holdBtn.setAttribute('aria-pressed', String(!!c.onHold));
    const from = c.transferred_from || c.from;
    if (noticeEl.textContent !== (c.notice || '')) noticeEl.textContent = c.notice || '';
    noticeEl.hidden = !c.notice;
    replace(callPanel.body, h('div', { class: `call-live${c.onHold ? ' on-hold' : ''}`, id: 'call-connected', dataset: { phase: c.phase } },
      h('div', { class: 'call-status', role: 'status' }, h('span', { class: 'live-dot', 'aria-hidden': 'true' }),
        h('strong', {}, t('call.connected')), timerEl,
        from ? h('span', { class: 'small muted' }, t('call.from', { login: from })) : null),
      c.onHold ? h('p', { class: 'hold-note' }, t('call.onHold')) : null,
      c.phase === 'transferring'
        ? h('p', { class: 'transfer-note', role: 'status' }, t('call.transferring', { to: transferTarget(c.transferTo) }), ' ', h('span', { class: 'small muted' }, t('call.transferringHint')))
        : null,
      noticeEl,
      callFacts(c),
      h('div', { class: 'actions call-actions' }, k.holdBtn, k.transferBtn,
        c.via === 'transfer' ? h('button', { type: 'button', class: 'btn-ghost-dark', id: 'btn-call-dismiss', on: { click: () => endCall() } }, t('call.dismiss')) : null),
      k.form, earlier(c)), callAlert);
  }

  // ---- callbacks -------------------------------------------------------------------
  // The offer pops like a ringing call (a fresh role="alert" node); once
  // accepted, the number stays large on the panel until it is marked done.
  async function callbackAction(action, btn) {
    const it = cb;
    if (!it) return;
    callAlert.hidden = true;
    if (btn) btn.disabled = true;
    try {
      const r = await post('/api/v1/acd/me/callback', { contact: it.contact, action });
      // Another callback may have been offered while this answer was on its
      // way (a decline hands the agent the next one at once): leave it alone.
      if (cb && cb !== it) return;
      if (r && r.number) it.number = r.number;
      if (r && r.case_id) it.case_id = r.case_id;
      if (action === 'accept' || action === 'dial') {
        if (!cb) return;
        it.phase = 'accepted';
        it.at = Date.now();
        it.dialling = !!(r && r.dialling);
        it.unreached = false;
        if (it.dialling) it.trunk = true;
        renderCall();
        if (action === 'accept' && it.case_id && onOpenCase) onOpenCase(it.case_id);
        return;
      }
      endCallback(t(action === 'decline' ? 'cb.declined' : 'cb.finished', { number: it.number }), true);
    } catch (err) {
      if (cb !== it) return;
      if (err.code === 'callback_not_offered') { endCallback(err.message); return; }
      callAlert.textContent = err.message;
      callAlert.hidden = false;
    } finally { if (btn && btn.isConnected) btn.disabled = false; }
  }
  function endCallback(message, ok = false) {
    cb = null;
    pending = message || '';
    pendingOk = ok;
    renderCall();
    loadMe();
  }

  function callbackFacts(it) {
    return h('dl', { class: 'facts one call-facts' },
      fact(t('cb.requestedAt'), it.requested_at ? fmtWhen(it.requested_at) : '—'),
      it.case_id ? fact(t('cb.case'), h('button', { type: 'button', class: 'linkish', id: 'callback-case', dataset: { caseId: it.case_id },
        on: { click: () => onOpenCase && onOpenCase(it.case_id) } }, t('call.openCase', { id: it.case_id }))) : null);
  }
  const bigNumber = (n) => h('span', { class: 'call-big mono', dataset: { number: n }, 'aria-label': `${t('cb.number')} ${n}` }, n);

  function renderCallback() {
    const it = cb;
    if (it.phase === 'offered') {
      const accept = h('button', { type: 'button', class: 'btn-primary', id: 'btn-callback-accept' }, t('cb.accept'));
      const decline = h('button', { type: 'button', class: 'btn', id: 'btn-callback-decline' }, t('cb.decline'));
      accept.addEventListener('click', () => callbackAction('accept', accept));
      decline.addEventListener('click', () => callbackAction('decline', decline));
      replace(callPanel.body, h('div', { class: 'call-pop callback-pop', id: 'callback-pop', role: 'alert', 'aria-live': 'assertive', dataset: { contact: it.contact } },
        h('div', { class: 'call-status' }, h('span', { class: 'ring-icon', 'aria-hidden': 'true' }, '↩'),
          h('strong', {}, t('cb.title')), bigNumber(it.number)),
        h('p', { class: 'small muted' }, t('cb.offerHint')),
        callbackFacts(it),
        h('div', { class: 'actions call-actions' }, accept, decline)), callAlert);
      return;
    }
    const done = h('button', { type: 'button', class: 'btn-primary', id: 'btn-callback-done' }, t('cb.done'));
    done.addEventListener('click', () => callbackAction('done', done));
    const redial = it.trunk && it.unreached && !it.dialling
      ? h('button', { type: 'button', class: 'btn', id: 'btn-callback-redial', on: { click: (e) => callbackAction('dial', e.currentTarget) } }, t('cb.redial'))
      : null;
    let note;
    if (it.connected) note = h('p', { class: 'transfer-note' }, t('cb.connected'));
    else if (it.unreached) note = h('p', { class: 'inline-alert' }, t('cb.unreached'));
    else if (it.dialling) note = h('p', { class: 'transfer-note' }, t('cb.dialling'));
    else note = h('p', { class: 'cb-hint' }, t('cb.noTrunk'));
    replace(callPanel.body, h('div', { class: 'call-live callback-live', id: 'callback-accepted', dataset: { contact: it.contact } },
      h('div', { class: 'call-status', role: 'status' }, h('span', { class: 'live-dot', 'aria-hidden': 'true' }),
        h('strong', {}, t('cb.active'))),
      h('p', { class: 'callback-number' }, bigNumber(it.number)),
      h('div', { role: 'status' }, note),
      callbackFacts(it),
      h('div', { class: 'actions call-actions' }, done, redial)), callAlert);
  }

  function renderIdle() {
    const contacts = (me && me.contacts) || [];
    const note = pending ? h('p', { class: pendingOk ? 'ok-note' : 'inline-alert', role: pendingOk ? 'status' : 'alert', id: 'call-note' }, pending) : null;
    const handled = h('p', { class: 'small muted' }, t('call.handled', { n: me ? me.handled : 0 }));
    if (!contacts.length) {
      replace(callPanel.body, h('div', { id: 'call-idle' }, note, h('p', { class: 'muted' }, t('call.none')), handled));
      return;
    }
    replace(callPanel.body, h('div', { id: 'call-idle' }, note,
      h('ul', { class: 'call-list' }, contacts.map((ct) => h('li', {},
        h('span', { class: 'mono' }, ct), ' ',
        onNewCaseFor ? h('button', { type: 'button', class: 'btn-small', on: { click: () => onNewCaseFor(ct) } }, t('call.newCase')) : null))),
      handled));
  }

  // ---- live events (this desk only gets its own calls; check the login anyway) ------
  live.on('call.offered', (ev) => {
    if (ev.agent !== user.login) return;
    startCall({ ...ev, phase: 'ringing' });
    if (onRinging) onRinging(ev);
  });
  live.on('call.answered', (ev) => {
    if (ev.agent !== user.login) return;
    const same = call && call.phase === 'ringing';
    startCall({ ...(same ? call : {}), at: same ? call.at : Date.now(), phase: 'connected', connectedAt: Date.now(),
      case_id: ev.case_id ?? (same ? call.case_id : undefined) });
    if (call.case_id && onAnswered) onAnswered(call.case_id, call);
  });
  live.on('call.transferred', (ev) => {
    if (ev.agent !== user.login) return;
    startCall({ phase: 'connected', via: 'transfer', from: ev.from, caller: ev.caller || undefined, case_id: ev.case_id ?? undefined, connectedAt: Date.now() });
  });
  // The extension a blind transfer rang did not answer: the caller is back.
  live.on('call.transfer_failed', (ev) => {
    if (ev.agent !== user.login || !call || call.phase === 'ringing') return;
    call.phase = 'connected';
    call.transferTo = '';
    call.fails = (call.fails || 0) + 1;
    call.notice = t('call.transferFailed', { to: transferTarget(ev.to) });
    renderCall();
  });
  // Hold pressed on the phone itself.
  live.on('call.hold', (ev) => {
    if (ev.agent !== user.login || !call || call.phase === 'ringing') return;
    call.onHold = !!ev.on;
    renderCall();
  });
  // The call's record is written: this call is over (the server sends it to
  // the agent who answered, and to the one a transfer handed it to).
  live.on('call.ended', (ev) => {
    if (ev.agent !== user.login) return;
    if (cb && cb.phase === 'accepted' && cb.case_id && ev.case_id === cb.case_id) {
      // tongdai called the citizen back; answered, the callback is over.
      if (ev.disposition === 'answered') endCallback(t('cb.finished', { number: cb.number }), true);
    } else if (call && call.phase !== 'ringing' && ((call.contact && ev.contact === call.contact)
        || (call.case_id != null && ev.case_id === call.case_id))) {
      endCall();
      loadMe();
    } else {
      loadMe(); // not the call on the panel (or one whose case it never heard of): the state decides
    }
    if (onCallEnded) onCallEnded(ev);
  });
  live.on('callback.offered', (ev) => {
    if (ev.agent !== user.login || !ev.contact) return;
    cb = { phase: 'offered', at: Date.now(), contact: ev.contact, number: ev.number || '', case_id: ev.case_id ?? null, requested_at: ev.requested_at };
    pending = '';
    callAlert.hidden = true;
    renderCall();
    if (onCallbackOffered) onCallbackOffered(ev);
  });
  live.on('callback.withdrawn', (ev) => {
    if (ev.agent !== user.login || !cb || cb.contact !== ev.contact) return;
    endCallback(t('cb.withdrawn', { number: cb.number }));
  });
  live.on('callback.connected', (ev) => {
    if (ev.agent !== user.login || !cb || cb.contact !== ev.contact) return;
    cb.connected = true;
    cb.dialling = false;
    renderCall();
  });
  live.on('callback.unreached', (ev) => {
    if (ev.agent !== user.login || !cb || cb.contact !== ev.contact) return;
    cb.unreached = true;
    cb.dialling = false;
    cb.connected = false;
    renderCall();
  });
  live.on('agent.state', (ev) => { if (ev.agent === user.login) loadMe(); });
  live.on('phone.registration', (ev) => { if (ev.agent === user.login) setPhone(!!ev.registered); });
  live.on('resync', () => loadMe());

  renderCall();
  return {
    toolbar,
    callPanel: callPanel.el,
    load: loadMe,
    tick: renderState,
    get me() { return me; },
    dispose() { clearInterval(clock); },
  };
}
