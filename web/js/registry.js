// Look-ups in the population registry (CSDL quốc gia về dân cư), as the API
// allows them (docs/decisions/0013-registry.md):
//  - the officer's panel, on a look-up request they claimed: a required reason,
//    then by ID number, by application code, or by full name + birth date
//    (candidates with masked IDs, opened one by one); the whole record; a
//    button that pastes a short Vietnamese status text into the answer;
//  - the operator's caller verification on a case they hold: ID + full name +
//    birth date → "Đã xác minh" and the status summary, or "Không khớp".
// Every call is tied to the case and audited by the server; nothing here
// keeps personal data beyond the panel on screen.
import { post } from './api.js';
import { t, getLang, fmtDateTime, isoToDmy, isoDay } from './i18n.js';
import { STRINGS } from './strings.js';
import { h, replace, field, input, select, alertBox, showError, clearErrors, setMsg, badge, uid, notify } from './dom.js';
import { checkCitizenId, PLACE_CODES } from './citizen-id.js';

// ---- small formatters -------------------------------------------------------------------

/** A label for an enum value, or the value itself when there is no string for it. */
function named(kind, value) {
  if (!value) return '';
  const key = `${kind}.${value}`;
  const s = t(key);
  return s === key ? value : s;
}

/** Registry birth dates: "1985-03-14" → 14/03/1985, "1985-03" → 03/1985, "1985" → 1985. */
export function fmtBirth(s) {
  const p = String(s || '').split('-');
  if (p.length === 3) return `${p[2]}/${p[1]}/${p[0]}`;
  if (p.length === 2) return `${p[1]}/${p[0]}`;
  return p[0] || '';
}

const dmy = (iso) => (iso ? isoToDmy(iso) : '');
const address = (a) => (a ? [a.commune, a.province].filter(Boolean).join(', ') : '');

/** The pasted answer is Vietnamese whatever the screen language: it goes to the caller. */
function tvi(key, params) {
  let s = STRINGS.vi[key] ?? key;
  if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (params[k] ?? m));
  return s;
}

/** Live advice under an ID-number input (advisory; the server has the last word). */
function watchCitizenId(control) {
  const check = () => {
    const r = checkCitizenId(control.value);
    if (r.state === 'empty') { setMsg(control, ''); return; }
    const params = r.params ? { ...r.params, sex: r.params.sex ? t('cid.sex' + r.params.sex) : '' } : {};
    setMsg(control, t(r.key, params), r.state === 'error' ? 'error' : r.state === 'ok' ? 'ok' : '');
  };
  control.addEventListener('input', check);
  return check;
}

/**
 * Shows an API error: next to its field, else in the alert line; a 429 also
 * says how long to wait and keeps `buttons` disabled until then.
 */
function failWith(form, err, alert, buttons) {
  showError(form, err, alert);
  if (err.status !== 429) return;
  let left = Math.max(1, Math.ceil(err.retryAfter || 60));
  for (const b of buttons) b.disabled = true;
  form.dataset.waiting = 'true';
  const say = () => {
    alert.textContent = `${err.message} ${t('reg.wait', { s: left })}`;
    alert.hidden = false;
  };
  say();
  const timer = setInterval(() => {
    left--;
    if (left > 0) { say(); return; }
    clearInterval(timer);
    for (const b of buttons) b.disabled = false;
    delete form.dataset.waiting;
    alert.textContent = t('reg.waitOver');
  }, 1000);
}

// ---- the status summary (shared by both desks) ------------------------------------------

/** The status summary of one application, as the API gives it (nothing more). */
export function summaryView(s, { withCode = false, withMissing = true } = {}) {
  const en = getLang() === 'en';
  const rows = [];
  if (withCode && s.application_code) {
    rows.push([t('sum.code'), h('span', { class: 'mono' }, s.application_code),
      s.type ? [' · ', named('regtype', s.type)] : null]);
  }
  rows.push([t('sum.stage'), [h('strong', { class: 'sum-stage' }, en ? s.stage_en : s.stage_vi),
    s.since ? ` (${t('sum.since', { d: dmy(s.since) })})` : '']]);
  rows.push([t('sum.due'), [h('span', { class: s.overdue ? 'overdue-text' : '' }, dmy(s.due_date) || '—'),
    s.overdue ? [' ', badge(t('reg.overdue'), 'danger-badge reg-overdue')] : null]]);
  const collect = en ? s.collect_en : s.collect_vi;
  if (collect) rows.push([t('sum.collect'), collect]);
  if (withMissing && s.missing_vi) rows.push([t('sum.missing'), h('span', { class: 'missing-text' }, s.missing_vi)]);
  return h('dl', { class: `facts one reg-summary${s.overdue ? ' overdue' : ''}` },
    rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

// ---- the whole record (officer) ------------------------------------------------------------

const receivedAt = (a) => {
  const r = (a.stages || []).find((s) => s.stage === 'received');
  return r ? new Date(r.at).getTime() : 0;
};

/** The application a caller asks about: the newest not handed over, else the newest (as the server's summary). */
export function currentApplication(apps) {
  let latest = null;
  let open = null;
  for (const a of apps || []) {
    if (!latest || receivedAt(a) >= receivedAt(latest)) latest = a;
    if (a.stage !== 'handed_over' && (!open || receivedAt(a) >= receivedAt(open))) open = a;
  }
  return open || latest;
}

/** A short Vietnamese status text for the answer to the operator. */
export function statusText(rec) {
  const parts = [];
  const a = currentApplication(rec.applications);
  const stop = (s) => String(s || '').trim().replace(/[.\s]+$/, '');
  if (a) {
    const s = a.summary || {};
    parts.push(tvi('reg.txt.app', { type: tvi(`regtype.${a.type}`).toLowerCase(), code: a.code, stage: stop(s.stage_vi) })
      + (s.since ? tvi('reg.txt.since', { d: dmy(s.since) }) : '') + '.');
    if (a.stage === 'returned') {
      if (a.returned_reason) parts.push(tvi('reg.txt.returned', { r: stop(a.returned_reason) }) + '.');
    } else if (a.stage !== 'handed_over') {
      if (s.due_date) parts.push(tvi('reg.txt.due', { d: dmy(s.due_date) }) + (s.overdue ? tvi('reg.txt.overdue') : '') + '.');
      if (s.collect_vi) parts.push(stop(s.collect_vi) + '.');
    }
  } else {
    parts.push(tvi('reg.txt.none'));
  }
  const card = (rec.cards || []).slice().sort((x, y) => String(y.issue_date).localeCompare(String(x.issue_date)))[0];
  if (card) {
    parts.push(tvi('reg.txt.card', {
      d: dmy(card.issue_date),
      exp: card.expiry_date ? tvi('reg.txt.exp', { d: dmy(card.expiry_date) }) : tvi('reg.noExpiry'),
    }) + '.');
  }
  return parts.join(' ');
}

function applicationView(a) {
  const s = a.summary || {};
  return h('section', { class: `reg-app${s.overdue ? ' overdue' : ''}`, dataset: { code: a.code }, 'aria-label': t('reg.appLabel', { code: a.code }) },
    h('div', { class: 'reg-app-head' },
      h('strong', { class: 'mono' }, a.code),
      badge(named('regtype', a.type), 'muted-badge'),
      a.type_reason ? h('span', { class: 'small muted' }, named('regreason', a.type_reason)) : null,
      badge(named('regstage', a.stage), `rs rs-${a.stage}`),
      s.overdue ? badge(t('reg.overdue'), 'danger-badge reg-overdue') : null),
    // The returned reason has its own box below; the summary would repeat it.
    a.summary ? summaryView(s, { withMissing: !a.returned_reason }) : null,
    a.returned_reason
      ? h('p', { class: 'reg-returned' }, h('strong', {}, t('reg.returnedReason') + ': '), a.returned_reason)
      : null,
    h('p', { class: 'small muted' },
      t('reg.office') + ': ' + [a.office, a.office_province].filter(Boolean).join(', '),
      a.delivery ? ` · ${named('delivery', a.delivery)}` : ''),
    a.stages && a.stages.length
      ? h('ol', { class: 'reg-stages', 'aria-label': t('reg.timeline') }, a.stages.map((st) => h('li', { class: `rs-${st.stage}` },
        h('span', { class: 'rs-name' }, named('regstage', st.stage)), h('span', { class: 'rs-when' }, fmtDateTime(st.at)))))
      : null);
}

function cardsView(cards) {
  if (!cards || !cards.length) return h('p', { class: 'muted small' }, t('reg.noCards'));
  const today = isoDay();
  return h('table', { class: 'grid-table reg-cards' },
    h('thead', {}, h('tr', {}, ['reg.card.number', 'reg.card.issued', 'reg.card.expiry'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, cards.map((c) => h('tr', {},
      h('td', { class: 'mono' }, c.number),
      h('td', {}, dmy(c.issue_date)),
      h('td', {}, c.expiry_date
        ? [dmy(c.expiry_date), c.expiry_date < today ? [' ', badge(t('reg.expired'), 'danger-badge')] : null]
        : h('span', { class: 'no-expiry' }, t('reg.noExpiry')))))));
}

function recordView(rec, onPaste) {
  const p = rec.person || {};
  const hid = uid('rec');
  const facts = [
    ['reg.p.id', h('span', { class: 'mono' }, p.id)],
    ['reg.p.birth', fmtBirth(p.birth_date)],
    ['reg.p.gender', named('gender', p.gender)],
    ['reg.p.ethnicity', p.ethnicity],
    ['reg.p.hometown', p.hometown],
    ['reg.p.former', [p.former_province_code, p.former_province].filter(Boolean).join(' · ')],
    ['reg.p.permanent', address(p.permanent)],
    ['reg.p.current', address(p.current)],
    ['reg.p.vneid', p.vneid_level ? t('reg.vneidLevel', { n: p.vneid_level }) : t('reg.vneidNone')],
  ];
  const apps = rec.applications || [];
  const paste = h('button', { type: 'button', class: 'btn', id: 'btn-registry-paste', on: { click: () => onPaste(statusText(rec)) } }, t('reg.paste'));
  return h('article', { class: 'reg-record', id: 'registry-record', 'aria-labelledby': hid, dataset: { masked: p.masked_id || '' } },
    h('h4', { id: hid, tabindex: -1 }, p.full_name, ' ', h('span', { class: 'mono muted' }, p.masked_id || '')),
    h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', {}, t(k)), h('dd', {}, v || '—')])),
    h('h5', {}, t('reg.apps', { n: apps.length })),
    apps.length ? apps.map(applicationView) : h('p', { class: 'muted small' }, t('reg.noApps')),
    h('h5', {}, t('reg.cards', { n: (rec.cards || []).length })),
    cardsView(rec.cards),
    h('div', { class: 'actions' }, paste));
}

// ---- the officer's panel ------------------------------------------------------------------------

/**
 * The look-up panel for a request the officer claimed. `answerBox()` returns
 * the answer textarea of the request (or null).
 */
export function createRegistryPanel({ lookup, caseData, answerBox }) {
  const caseId = lookup.case_id;
  const reason = input({ value: lookup.reason || '', maxlength: 500, 'aria-required': 'true' });
  const group = uid('regmode');
  const modes = [['id', t('reg.byId')], ['code', t('reg.byCode')], ['name', t('reg.byName')]];
  const radios = {};
  const radioRows = modes.map(([v, text]) => {
    const r = h('input', { type: 'radio', name: group, value: v, id: uid('r'), checked: v === 'id', dataset: { regMode: v } });
    radios[v] = r;
    return h('div', {}, r, h('label', { for: r.id }, text));
  });

  const cid = input({ inputmode: 'numeric', maxlength: 16, class: 'mono', value: (caseData && caseData.citizen_id) || '' });
  const code = input({ class: 'mono', maxlength: 24, placeholder: '079-261105-00004213' });
  const name = input({ autocomplete: 'off' });
  const birth = input({ placeholder: 'dd/mm/yyyy' });
  const province = select([['', t('reg.anyProvince')], ...PLACE_CODES.map(([c, n]) => [c, `${c} · ${n}`])], { value: '' });
  const groups = {
    id: h('div', { class: 'row reg-mode', dataset: { mode: 'id' } },
      field(t('reg.cid'), cid, { name: 'citizen_id', hint: t('form.cidHint') })),
    code: h('div', { class: 'row reg-mode', dataset: { mode: 'code' } },
      field(t('reg.code'), code, { name: 'application_code', hint: t('reg.codeHint') })),
    name: h('div', { class: 'row reg-mode', dataset: { mode: 'name' } },
      field(t('reg.fullName'), name, { name: 'full_name', cls: 'grow2' }),
      field(t('reg.birth'), birth, { name: 'birth_date', hint: t('reg.birthHint') }),
      field(t('reg.province'), province, { name: 'province_code' })),
  };
  const alert = alertBox();
  const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'btn-registry' }, t('reg.submit'));
  const results = h('div', { class: 'reg-results', id: 'registry-results', 'aria-live': 'polite' });
  const form = h('form', { class: 'reg-form', novalidate: true, 'aria-label': t('reg.formLabel') },
    field(t('reg.reason'), reason, { name: 'reason', hint: t('reg.reasonHint') }),
    h('fieldset', { class: 'radios inline-radios' }, h('legend', {}, t('reg.by')), radioRows),
    groups.id, groups.code, groups.name,
    alert,
    h('div', { class: 'actions' }, submit));
  const checkCid = watchCitizenId(cid);

  const mode = () => Object.keys(radios).find((k) => radios[k].checked) || 'id';
  function showMode() {
    for (const [k, g] of Object.entries(groups)) g.hidden = k !== mode();
  }
  for (const r of Object.values(radios)) r.addEventListener('change', showMode);
  form.addEventListener('input', (e) => {
    if (e.target.getAttribute('aria-invalid') === 'true' && e.target !== cid) setMsg(e.target, '');
  });

  let seq = 0;
  const openButtons = () => [...results.querySelectorAll('button[data-ref]')];
  const waiting = () => form.dataset.waiting === 'true';

  function paste(text) {
    const box = answerBox && answerBox();
    if (!box) { notify(t('reg.noAnswerBox')); return; }
    box.value = box.value.trim() ? `${box.value.replace(/\s+$/, '')}\n${text}` : text;
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
    notify(t('reg.pasted'));
  }

  function showRecord(r, into) {
    if (!r.found) {
      replace(into, h('p', { class: 'reg-notfound', role: 'status' }, r.message || t('reg.notFound')));
      return;
    }
    const view = recordView(r.record, paste);
    replace(into, view);
    view.querySelector('h4').focus();
  }

  function showCandidates(items) {
    const slot = h('div', { class: 'reg-record-slot' });
    const list = items.length
      ? h('ol', { class: 'reg-candidates', id: 'registry-candidates' }, items.map((it) => {
        const open = h('button', {
          type: 'button', class: 'btn-small', dataset: { ref: it.ref },
          'aria-label': t('reg.openOne', { name: it.full_name, id: it.masked_id }),
        }, t('reg.open'));
        const li = h('li', { dataset: { masked: it.masked_id } },
          h('div', { class: 'rc-text' },
            h('div', {}, h('strong', {}, it.full_name), ' ', h('span', { class: 'mono' }, it.masked_id)),
            h('div', { class: 'small muted' }, [
              fmtBirth(it.birth_date), named('gender', it.gender),
              it.former_province ? t('reg.bornIn', { p: it.former_province }) : '',
              it.permanent_province ? t('reg.livesIn', { p: it.permanent_province }) : '',
            ].filter(Boolean).join(' · '))),
          open);
        open.addEventListener('click', () => openRef(it, li, slot));
        return li;
      }))
      : h('p', { class: 'muted', role: 'status' }, t('reg.noMatch'));
    replace(results, h('h4', {}, t('reg.candidates', { n: items.length })), list, slot);
    if (items.length) list.querySelector('button').focus();
  }

  async function openRef(it, li, slot) {
    clearErrors(form);
    const my = ++seq;
    for (const b of openButtons()) b.disabled = true;
    let rateLimited = false;
    try {
      const r = await post('/api/v1/registry/person', { case_id: caseId, reason: reason.value.trim(), ref: it.ref });
      if (my !== seq) return;
      for (const x of results.querySelectorAll('.reg-candidates li')) x.classList.toggle('current', x === li);
      showRecord(r, slot);
    } catch (err) {
      rateLimited = err.status === 429;
      failWith(form, err, alert, [submit, ...openButtons()]);
    } finally {
      if (!rateLimited && !waiting()) for (const b of openButtons()) b.disabled = false;
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (waiting()) return;
    clearErrors(form);
    const base = { case_id: caseId, reason: reason.value.trim() };
    const m = mode();
    let path;
    let body;
    if (m === 'id') {
      path = '/api/v1/registry/person';
      body = { ...base, citizen_id: cid.value.trim() };
    } else if (m === 'code') {
      path = '/api/v1/registry/application';
      body = { ...base, application_code: code.value.trim() };
    } else {
      path = '/api/v1/registry/search';
      body = { ...base, full_name: name.value.trim(), birth_date: birth.value.trim() };
      if (province.value) body.province_code = province.value;
    }
    const my = ++seq;
    submit.disabled = true;
    submit.textContent = t('reg.busy');
    try {
      const r = await post(path, body);
      if (my !== seq) return;
      if (m === 'name') showCandidates(r.items || []);
      else showRecord(r, results);
    } catch (err) {
      failWith(form, err, alert, [submit, ...openButtons()]);
    } finally {
      submit.textContent = t('reg.submit');
      if (!waiting()) submit.disabled = false;
    }
  });

  showMode();
  if (cid.value) checkCid();
  const hid = uid('h');
  const el = h('section', { class: 'subsection registry', 'aria-labelledby': hid, id: 'registry-panel' },
    h('h3', { id: hid }, t('reg.title')),
    h('p', { class: 'muted small' }, t('reg.lead')),
    form, results);
  return { el };
}

// ---- the operator's caller verification --------------------------------------------------------

/** "Xác minh người gọi" on a case the operator holds. */
export function createVerifyStep(c) {
  const cid = input({ inputmode: 'numeric', maxlength: 16, class: 'mono', value: c.citizen_id || '' });
  const name = input({ value: (c.contact && c.contact.name) || '' });
  const birth = input({ placeholder: 'dd/mm/yyyy' });
  const alert = alertBox();
  const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'btn-verify' }, t('ver.submit'));
  const result = h('div', { class: 'verify-result', id: 'verify-result', 'aria-live': 'polite' });
  const hid = uid('h');
  const form = h('form', { class: 'subform verify-form', novalidate: true, 'aria-labelledby': hid },
    h('h3', { id: hid }, t('ver.title')),
    h('p', { class: 'small muted' }, t('ver.lead')),
    h('div', { class: 'row' },
      field(t('ver.cid'), cid, { name: 'citizen_id' }),
      field(t('ver.name'), name, { name: 'full_name', cls: 'grow2' }),
      field(t('ver.birth'), birth, { name: 'birth_date', hint: t('reg.birthHint') }),
      h('div', { class: 'field field-btn' }, submit)),
    alert, result);
  const checkCid = watchCitizenId(cid);

  // What is shown answers what was asked: an edit makes it stale.
  form.addEventListener('input', (e) => {
    replace(result);
    if (e.target.getAttribute('aria-invalid') === 'true' && e.target !== cid) setMsg(e.target, '');
  });

  let seq = 0;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (form.dataset.waiting === 'true') return;
    clearErrors(form);
    replace(result);
    const my = ++seq;
    submit.disabled = true;
    try {
      const r = await post('/api/v1/registry/verify', {
        case_id: c.id, citizen_id: cid.value.trim(), full_name: name.value.trim(), birth_date: birth.value.trim(),
      });
      if (my !== seq) return;
      if (r.verified) {
        replace(result, h('div', { class: 'verify-ok', dataset: { verified: 'true' } },
          h('p', {}, badge(t('ver.ok'), 'ok-badge verify-badge'), ' ',
            h('strong', {}, r.full_name), ' ', h('span', { class: 'mono' }, r.masked_id || ''),
            ' · ', t('ver.apps', { n: r.applications ?? 0 })),
          r.summary ? summaryView(r.summary, { withCode: true }) : h('p', { class: 'muted' }, t('ver.noApp'))));
      } else {
        replace(result, h('div', { class: 'verify-no', dataset: { verified: 'false' } },
          h('p', {}, badge(t('ver.no'), 'danger-badge verify-badge'), ' ', r.message || '')));
      }
    } catch (err) {
      failWith(form, err, alert, [submit]);
    } finally {
      if (form.dataset.waiting !== 'true') submit.disabled = false;
    }
  });

  if (cid.value) checkCid();
  return { el: form };
}
