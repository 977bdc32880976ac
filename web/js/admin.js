// Quản trị: users, categories, business hours and holidays, SLA targets.
// Each form sends what the server expects and shows its 422 next to the
// field it names (e.g. days_off[3].date), keeping everything typed.
import { get, api, post } from './api.js';
import { t, fmtDateTime, isoToDmy, dmyToIso, fmtDuration, label } from './i18n.js';
import { h, replace, field, input, select, panel, alertBox, showError, clearErrors, setMsg, notify, uid, badge } from './dom.js';
import { loadCategories } from './categories.js';

const ROLES = ['operator', 'officer', 'supervisor', 'admin'];
const TABS = ['users', 'categories', 'calendar', 'sla'];

export function mount(root, { user }) {
  const el = h('div', { class: 'desk desk-admin' });
  root.append(el);
  const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': t('desk.admin') });
  const pane = h('div', { class: 'admin-pane', role: 'tabpanel' });
  const buttons = TABS.map((k) => h('button', { type: 'button', role: 'tab', class: 'tab', id: `admin-tab-${k}` }, t('adm.tab.' + k)));
  tabs.append(...buttons);
  replace(el, h('section', { class: 'panel admin-panel' }, tabs, pane));

  function open(k) {
    buttons.forEach((b, i) => { const on = TABS[i] === k; b.setAttribute('aria-selected', String(on)); b.tabIndex = on ? 0 : -1; });
    pane.setAttribute('aria-labelledby', `admin-tab-${k}`);
    replace(pane, h('p', { class: 'loading' }, t('common.loading')));
    const view = { users: usersTab, categories: categoriesTab, calendar: calendarTab, sla: slaTab }[k];
    view(pane, user).catch((err) => replace(pane, h('p', { class: 'error-text', role: 'alert' }, err.message)));
  }
  buttons.forEach((b, i) => {
    b.addEventListener('click', () => open(TABS[i]));
    b.addEventListener('keydown', (e) => {
      const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      if (!d) return;
      const j = (i + d + TABS.length) % TABS.length;
      buttons[j].focus();
      open(TABS[j]);
    });
  });
  open('users');
  return () => {};
}

const hiddenLabel = (control, text) => h('label', { for: control.id, class: 'visually-hidden' }, text);

// ---- users ---------------------------------------------------------------------------
async function usersTab(pane, me) {
  const login = input({ autocomplete: 'off' });
  const name = input();
  const role = select(ROLES.map((r) => [r, t('role.' + r)]), { value: 'operator' });
  const password = input({ type: 'password', autocomplete: 'new-password' });
  const alert = alertBox();
  const form = h('form', { class: 'subform inline-form', novalidate: true, 'aria-label': t('adm.user.create') },
    h('h2', {}, t('adm.user.create')),
    h('div', { class: 'row' },
      field(t('adm.user.login'), login, { name: 'login', hint: t('adm.user.loginHint') }),
      field(t('adm.user.name'), name, { name: 'name' }),
      field(t('adm.user.role'), role, { name: 'role' }),
      field(t('adm.user.password'), password, { name: 'password', hint: t('adm.user.pwHint') }),
      h('div', { class: 'field field-btn' }, h('button', { type: 'submit', class: 'btn-primary' }, t('adm.user.createBtn')))),
    alert);
  const tableAlert = alertBox();
  const table = h('table', { class: 'grid-table users-table' });
  replace(pane, form, h('h2', {}, t('adm.user.list')), tableAlert, h('div', { class: 'table-scroll' }, table));

  let users = [];
  async function load() { users = (await get('/api/v1/users')).items; draw(); }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    try {
      const u = await post('/api/v1/users', { login: login.value.trim(), name: name.value.trim(), role: role.value, password: password.value });
      notify(t('adm.user.created', { login: u.login }));
      form.reset();
      await load();
    } catch (err) { showError(form, err, alert); }
  });

  async function patch(u, body) {
    clearErrors(pane);
    try {
      await api('PATCH', `/api/v1/users/${u.id}`, body);
      notify(t('adm.saved'));
      await load();
    } catch (err) { tableAlert.textContent = `${u.login}: ${err.message}`; tableAlert.hidden = false; await load(); }
  }

  function draw() {
    const head = h('tr', {}, ['adm.user.login', 'adm.user.name', 'adm.user.role', 'adm.user.status', 'adm.user.created', 'adm.actions']
      .map((k) => h('th', { scope: 'col' }, t(k))));
    const rows = users.map((u) => {
      const rs = select(ROLES.map((r) => [r, t('role.' + r)]), { value: u.role, id: uid('role') });
      rs.addEventListener('change', () => patch(u, { role: rs.value }));
      const locked = u.locked_until && new Date(u.locked_until) > new Date();
      const status = u.disabled ? badge(t('adm.user.disabled'), 'muted-badge')
        : locked ? badge(t('adm.user.locked', { d: fmtDateTime(u.locked_until) }), 'danger-badge') : badge(t('adm.user.active'), 'ok-badge');
      const actions = h('td', {}, h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'btn-small', on: { click: () => patch(u, { disabled: !u.disabled }) } }, t(u.disabled ? 'adm.user.enable' : 'adm.user.disable')),
        locked ? h('button', { type: 'button', class: 'btn-small', on: { click: () => patch(u, { unlock: true }) } }, t('adm.user.unlock')) : null,
        h('button', { type: 'button', class: 'btn-small', on: { click: (e) => resetRow(u, e.target.closest('tr')) } }, t('adm.user.reset'))));
      return h('tr', { dataset: { user: u.login }, class: u.disabled ? 'disabled' : '' },
        h('td', { class: 'mono' }, u.login), h('td', {}, u.name),
        h('td', {}, hiddenLabel(rs, t('adm.user.roleOf', { login: u.login })), rs),
        h('td', {}, status), h('td', {}, fmtDateTime(u.created_at)), actions);
    });
    replace(table, h('thead', {}, head), h('tbody', {}, rows));
  }

  function resetRow(u, tr) {
    if (tr.nextSibling && tr.nextSibling.classList.contains('reset-row')) { tr.nextSibling.querySelector('input').focus(); return; }
    const pw = input({ type: 'password', autocomplete: 'new-password' });
    const alert2 = alertBox();
    const f = h('form', { class: 'row', novalidate: true },
      field(t('adm.user.newPw', { login: u.login }), pw, { name: 'password', hint: t('adm.user.pwHint') }),
      h('div', { class: 'field field-btn' }, h('button', { type: 'submit', class: 'btn-primary' }, t('adm.save'))),
      h('div', { class: 'field field-btn' }, h('button', { type: 'button', class: 'btn', on: { click: () => row.remove() } }, t('common.cancel'))),
      alert2);
    const row = h('tr', { class: 'reset-row' }, h('td', { colspan: 6 }, f));
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(f);
      try {
        await post(`/api/v1/users/${u.id}/password`, { password: pw.value });
        notify(t('adm.user.pwDone', { login: u.login }));
        row.remove();
      } catch (err) { showError(f, err, alert2); }
    });
    tr.after(row);
    pw.focus();
  }
  await load();
  login.focus();
}

// ---- categories ------------------------------------------------------------------------
async function categoriesTab(pane) {
  const code = input({ autocomplete: 'off', class: 'mono' });
  const name = input();
  const nameEn = input();
  const group = input({ maxlength: 8 });
  const sort = input({ type: 'number', value: '0' });
  const active = h('input', { type: 'checkbox', id: uid('act'), checked: true, dataset: { field: 'active' } });
  const submit = h('button', { type: 'submit', class: 'btn-primary' }, t('adm.cat.add'));
  const cancel = h('button', { type: 'button', class: 'btn', hidden: true }, t('common.cancel'));
  const alert = alertBox();
  let editing = null;
  const form = h('form', { class: 'subform', novalidate: true, 'aria-label': t('adm.cat.form') },
    h('h2', {}, t('adm.cat.form')),
    h('div', { class: 'row' },
      field(t('adm.cat.code'), code, { name: 'code', hint: t('adm.cat.codeHint') }),
      field(t('adm.cat.name'), name, { name: 'name', cls: 'grow2' }),
      field(t('adm.cat.nameEn'), nameEn, { name: 'name_en', cls: 'grow2' })),
    h('div', { class: 'row' },
      field(t('adm.cat.group'), group, { name: 'group', hint: t('adm.cat.groupHint'), cls: 'grow2' }),
      field(t('adm.cat.sort'), sort, { name: 'sort', cls: 'narrow' }),
      h('div', { class: 'field check' }, active, h('label', { for: active.id }, t('adm.cat.active'))),
      h('div', { class: 'field field-btn' }, h('div', { class: 'actions' }, submit, cancel))),
    alert);
  const table = h('table', { class: 'grid-table' });
  replace(pane, form, h('div', { class: 'table-scroll' }, table));

  function edit(c) {
    editing = c ? c.code : null;
    code.value = c ? c.code : '';
    code.readOnly = !!c;
    name.value = c ? c.name : '';
    nameEn.value = c ? c.name_en : '';
    group.value = c ? c.group : '';
    sort.value = c ? String(c.sort) : '0';
    active.checked = c ? c.active : true;
    submit.textContent = t(c ? 'adm.save' : 'adm.cat.add');
    cancel.hidden = !c;
    clearErrors(form);
    (c ? name : code).focus();
  }
  cancel.addEventListener('click', () => edit(null));

  async function load() {
    const items = await loadCategories(true);
    const head = h('tr', {}, ['adm.cat.code', 'adm.cat.name', 'adm.cat.nameEn', 'adm.cat.group', 'adm.cat.sort', 'adm.cat.active', 'adm.actions'].map((k) => h('th', { scope: 'col' }, t(k))));
    replace(table, h('thead', {}, head), h('tbody', {}, items.map((c) => h('tr', { class: c.active ? '' : 'disabled' },
      h('td', { class: 'mono' }, c.code), h('td', {}, c.name), h('td', {}, c.name_en), h('td', {}, c.group), h('td', { class: 'num' }, String(c.sort)),
      h('td', {}, c.active ? t('common.yes') : t('common.no')),
      h('td', {}, h('button', { type: 'button', class: 'btn-small', on: { click: () => edit(c) } }, t('adm.edit')))))));
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = { name: name.value.trim(), name_en: nameEn.value.trim(), group: group.value.trim(), sort: Number(sort.value || 0), active: active.checked };
    try {
      if (editing) await api('PUT', `/api/v1/categories/${encodeURIComponent(editing)}`, body);
      else await post('/api/v1/categories', { code: code.value.trim(), ...body });
      notify(t('adm.saved'));
      edit(null);
      await load();
    } catch (err) { showError(form, err, alert); }
  });
  await load();
}

// ---- business calendar ------------------------------------------------------------------
const WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

async function calendarTab(pane) {
  const cal = await get('/api/v1/settings/calendar');
  const tz = input({ value: cal.time_zone });
  const dayInputs = {};
  const alert = alertBox();
  const week = h('table', { class: 'grid-table week-table' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('adm.cal.day')), h('th', { scope: 'col' }, t('adm.cal.hours')))),
    h('tbody', {}, WEEK.map((d) => {
      const i = input({ value: (cal.week[d] || []).map(([a, b]) => `${a}–${b}`).join(', '), placeholder: t('adm.cal.closed'), dataset: { field: `week.${d}` } });
      dayInputs[d] = i;
      i.id = uid('wk');
      const msg = h('div', { class: 'field-msg', id: i.id + '-msg' });
      i.setAttribute('aria-describedby', msg.id);
      return h('tr', {}, h('th', { scope: 'row' }, h('label', { for: i.id }, t('wd.' + d))), h('td', {}, i, msg));
    })));

  const daysOff = dateList(t('adm.cal.daysOff'), 'days_off', cal.days_off);
  const makeUp = dateList(t('adm.cal.makeUp'), 'make_up_workdays', cal.make_up_workdays);
  const form = h('form', { class: 'subform calendar-form', novalidate: true, 'aria-label': t('adm.tab.calendar') },
    h('div', { class: 'cal-grid' },
      h('div', {}, h('h2', {}, t('adm.cal.week')), field(t('adm.cal.tz'), tz, { name: 'time_zone' }), week,
        h('p', { class: 'small muted' }, t('adm.cal.hoursHint'))),
      daysOff.el, makeUp.el),
    alert,
    h('div', { class: 'actions sticky-actions' }, h('button', { type: 'submit', class: 'btn-primary' }, t('adm.save'))));
  replace(pane, form);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = { time_zone: tz.value.trim(), week: {}, days_off: [], make_up_workdays: [] };
    let bad = null;
    for (const d of WEEK) {
      const parsed = parseIntervals(dayInputs[d].value);
      if (!parsed) { setMsg(dayInputs[d], t('adm.cal.badHours'), 'error'); bad = bad || dayInputs[d]; continue; }
      body.week[d] = parsed;
    }
    for (const [list, key] of [[daysOff, 'days_off'], [makeUp, 'make_up_workdays']]) {
      const r = list.collect();
      if (r.bad) bad = bad || r.bad;
      body[key] = r.items;
    }
    if (bad) { bad.focus(); return; }
    try {
      await api('PUT', '/api/v1/settings/calendar', body);
      notify(t('adm.saved'));
    } catch (err) { showError(form, err, alert); }
  });
}

/** "07:30–11:30, 13:00–17:30" → [["07:30","11:30"],["13:00","17:30"]]; '' → [] (closed); null when unreadable. */
function parseIntervals(s) {
  const text = s.trim();
  if (!text) return [];
  const out = [];
  for (const part of text.split(/[,;]/)) {
    const m = /^\s*(\d{1,2}):(\d{2})\s*[-–—]\s*(\d{1,2}):(\d{2})\s*$/.exec(part);
    if (!m) return null;
    out.push([`${m[1].padStart(2, '0')}:${m[2]}`, `${m[3].padStart(2, '0')}:${m[4]}`]);
  }
  return out;
}

/** An editable list of named dates; rows are numbered in order at save time so days_off[3].date finds its input. */
function dateList(title, key, items) {
  const body = h('tbody');
  const el = h('div', { class: 'date-list' }, h('h2', {}, title),
    h('div', { class: 'table-scroll short' }, h('table', { class: 'grid-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('adm.cal.date')), h('th', { scope: 'col' }, t('adm.cal.name')), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('adm.actions'))))),
      body)),
    h('button', { type: 'button', class: 'btn-small', on: { click: () => { const r = addRow({ date: '', name: '' }); r.querySelector('input').focus(); } } }, t('adm.cal.add')));

  function addRow(x) {
    const date = input({ value: isoToDmy(x.date), placeholder: 'dd/mm/yyyy', inputmode: 'numeric', class: 'date-input' });
    const name = input({ value: x.name });
    date.id = uid('d');
    name.id = uid('n');
    const dm = h('div', { class: 'field-msg', id: date.id + '-msg' });
    const nm = h('div', { class: 'field-msg', id: name.id + '-msg' });
    date.setAttribute('aria-describedby', dm.id);
    name.setAttribute('aria-describedby', nm.id);
    const tr = h('tr', {},
      h('td', {}, hiddenLabel(date, `${title}: ${t('adm.cal.date')}`), date, dm),
      h('td', {}, hiddenLabel(name, `${title}: ${t('adm.cal.name')}`), name, nm),
      h('td', {}, h('button', { type: 'button', class: 'btn-small', 'aria-label': t('adm.cal.removeRow'), on: { click: () => tr.remove() } }, '×')));
    body.append(tr);
    return tr;
  }
  items.slice().sort((a, b) => a.date.localeCompare(b.date)).forEach(addRow);

  function collect() {
    const out = [];
    let bad = null;
    [...body.rows].forEach((tr) => {
      const [date, name] = tr.querySelectorAll('input');
      if (!date.value.trim() && !name.value.trim()) return;
      const i = out.length;
      date.dataset.field = `${key}[${i}].date`;
      name.dataset.field = `${key}[${i}].name`;
      const iso = dmyToIso(date.value);
      if (!iso) { setMsg(date, t('adm.cal.badDate'), 'error'); bad = bad || date; }
      out.push({ date: iso || date.value.trim(), name: name.value.trim() });
    });
    return { items: out, bad };
  }
  return { el, collect };
}

// ---- SLA targets ----------------------------------------------------------------------------
async function slaTab(pane) {
  const sla = await get('/api/v1/settings/sla');
  const inputs = [];
  const alert = alertBox();
  const num = (v, fieldName, lbl) => {
    const i = input({ type: 'number', min: 1, max: 100000, step: 1, value: String(v), dataset: { field: fieldName } });
    i.id = uid('sla');
    const msg = h('div', { class: 'field-msg', id: i.id + '-msg' }, hoursHint(v));
    i.setAttribute('aria-describedby', msg.id);
    i.addEventListener('input', () => { msg.textContent = hoursHint(Number(i.value)); msg.className = 'field-msg'; });
    inputs.push(i);
    return [hiddenLabel(i, lbl), i, msg];
  };
  const rows = ['urgent', 'high', 'normal', 'low'].map((p) => {
    const tg = sla.targets[p];
    return h('tr', {}, h('th', { scope: 'row' }, label('priority', p)),
      h('td', {}, num(tg.first_response_minutes, `targets.${p}.first_response_minutes`, `${t('adm.sla.first')} — ${label('priority', p)}`)),
      h('td', {}, num(tg.resolution_minutes, `targets.${p}.resolution_minutes`, `${t('adm.sla.resolution')} — ${label('priority', p)}`)));
  });
  const lookup = input({ type: 'number', min: 1, max: 100000, value: String(sla.lookup_minutes) });
  const form = h('form', { class: 'subform sla-form', novalidate: true, 'aria-label': t('adm.tab.sla') },
    h('h2', {}, t('adm.sla.title')),
    h('p', { class: 'small muted' }, t('adm.sla.lead')),
    h('table', { class: 'grid-table sla-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('adm.sla.priority')), h('th', { scope: 'col' }, t('adm.sla.first')), h('th', { scope: 'col' }, t('adm.sla.resolution')))),
      h('tbody', {}, rows)),
    field(t('adm.sla.lookup'), lookup, { name: 'lookup_minutes', hint: hoursHint(sla.lookup_minutes) }),
    alert,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn-primary' }, t('adm.save'))));
  replace(pane, form);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const targets = {};
    for (const p of ['low', 'normal', 'high', 'urgent']) {
      targets[p] = {
        first_response_minutes: Number(form.querySelector(`[data-field="targets.${p}.first_response_minutes"]`).value),
        resolution_minutes: Number(form.querySelector(`[data-field="targets.${p}.resolution_minutes"]`).value),
      };
    }
    try {
      await api('PUT', '/api/v1/settings/sla', { targets, lookup_minutes: Number(lookup.value) });
      notify(t('adm.saved'));
    } catch (err) { showError(form, err, alert); }
  });
}

const hoursHint = (m) => (Number.isFinite(m) && m > 0 ? t('adm.sla.hint', { d: fmtDuration(m) }) : '');
