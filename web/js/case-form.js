// The new-case form (phiếu yêu cầu mới). It keeps a draft in localStorage per
// user on every keystroke, so a reload or a crashed tab loses nothing; the
// draft is dropped once the case is created or the user logs out.
import { post } from './api.js';
import { t } from './i18n.js';
import { h, field, input, select, alertBox, showError, clearErrors, setMsg, debounce, fold } from './dom.js';
import { checkCitizenId, normaliseCitizenId } from './citizen-id.js';
import { catName, groupName } from './categories.js';

const draftKey = (userId) => `tongdai.draft.${userId}`;
export const clearDraft = (userId) => localStorage.removeItem(draftKey(userId));

const CHANNELS = ['phone', 'zalo', 'facebook', 'email', 'web', 'walk_in'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
// The contact member that fits each channel, besides the phone.
const EXTRA = { zalo: 'zalo_id', facebook: 'facebook_id', email: 'email', web: 'email' };

export function createCaseForm({ user, categories, onCreated, onCallerKeys, onDescription }) {
  const channel = select(CHANNELS.map((c) => [c, t('channel.' + c)]), { value: 'phone' });
  const priority = select(PRIORITIES.map((p) => [p, t('priority.' + p)]), { value: 'normal' });
  const name = input({ autocomplete: 'off' });
  const phone = input({ type: 'tel', inputmode: 'tel', autocomplete: 'off' });
  const extra = input({ autocomplete: 'off' });
  const cid = input({ inputmode: 'numeric', maxlength: 14, autocomplete: 'off', class: 'mono' });
  const catSearch = h('input', { type: 'search', autocomplete: 'off', placeholder: t('form.catSearchPh'), dataset: { catSearch: '' } });
  const category = h('select', { size: 6, class: 'cat-list' });
  const description = h('textarea', { rows: 3 });
  const alert = alertBox();
  const submit = h('button', { type: 'submit', class: 'btn-primary' }, t('form.create'));
  const reset = h('button', { type: 'button', class: 'btn' }, t('form.reset'));

  const extraField = field(t('form.email'), extra, { name: 'contact.email' });
  const form = h('form', { class: 'case-form', novalidate: true, 'aria-label': t('form.title') },
    h('div', { class: 'row' },
      field(t('form.channel'), channel, { name: 'channel' }),
      field(t('form.priority'), priority, { name: 'priority' })),
    h('div', { class: 'row' },
      field(t('form.name'), name, { name: 'contact.name' }),
      field(t('form.phone'), phone, { name: 'contact.phone', hint: t('form.phoneHint') })),
    h('div', { class: 'row' },
      field(t('form.cid'), cid, { name: 'citizen_id', hint: t('form.cidHint') }),
      extraField),
    h('div', { class: 'row cat-row' },
      field(t('form.catSearch'), catSearch, { hint: t('form.catSearchHint') }),
      field(t('form.category'), category, { name: 'category', cls: 'grow2' })),
    field(t('form.description'), description, { name: 'description', hint: t('form.descriptionHint') }),
    alert,
    h('div', { class: 'actions' }, submit, reset, h('span', { class: 'muted small' }, t('form.keys'))));

  function fillCategories(filter) {
    const keep = category.value;
    const f = fold(filter).trim();
    category.replaceChildren();
    const groups = new Map();
    for (const c of categories) {
      if (f && !fold(`${c.name} ${c.name_en} ${c.code}`).includes(f)) continue;
      if (!groups.has(c.group)) groups.set(c.group, h('optgroup', { label: groupName(c.group) }));
      groups.get(c.group).append(h('option', { value: c.code }, catName(c.code)));
    }
    category.append(...groups.values());
    if (keep && category.querySelector(`option[value="${CSS.escape(keep)}"]`)) category.value = keep;
  }

  function syncExtra() {
    const member = EXTRA[channel.value];
    extraField.hidden = !member;
    if (!member) return;
    extra.dataset.field = `contact.${member}`;
    extraField.querySelector('label').textContent = t('form.' + member);
    extra.type = member === 'email' ? 'email' : 'text';
  }

  function checkCid() {
    const r = checkCitizenId(cid.value);
    if (r.state === 'empty') { setMsg(cid, ''); return r; }
    const params = r.params ? { ...r.params, sex: r.params.sex ? t('cid.sex' + r.params.sex) : '' } : {};
    setMsg(cid, t(r.key, params), r.state === 'error' ? 'error' : r.state === 'ok' ? 'ok' : '');
    return r;
  }

  // ---- draft ---------------------------------------------------------------
  const controls = { channel, priority, name, phone, extra, cid, category, description };
  function saveDraft() {
    const d = {};
    for (const [k, el] of Object.entries(controls)) d[k] = el.value;
    const empty = !d.name && !d.phone && !d.extra && !d.cid && !d.description && !d.category;
    if (empty) localStorage.removeItem(draftKey(user.id));
    else localStorage.setItem(draftKey(user.id), JSON.stringify({ ...d, saved: Date.now() }));
  }
  function loadDraft() {
    let d = null;
    try { d = JSON.parse(localStorage.getItem(draftKey(user.id)) || 'null'); } catch { d = null; }
    if (!d) return false;
    for (const [k, el] of Object.entries(controls)) if (typeof d[k] === 'string') el.value = d[k];
    return true;
  }

  // ---- caller history and KB suggestions, as typed -----------------------------
  const callerKeys = debounce(() => {
    const digits = phone.value.replace(/\D/g, '');
    const id = normaliseCitizenId(cid.value);
    onCallerKeys({ phone: digits.length >= 9 ? phone.value.trim() : '', citizen_id: /^\d{12}$/.test(id) ? id : '' });
  }, 350);
  const describe = debounce(() => onDescription(description.value), 300);

  form.addEventListener('input', (e) => {
    saveDraft();
    if (e.target === cid) checkCid();
    if (e.target === cid || e.target === phone) callerKeys();
    if (e.target === description) describe();
    if (e.target.getAttribute('aria-invalid') === 'true' && e.target !== cid) setMsg(e.target, '');
  });
  channel.addEventListener('change', () => { syncExtra(); saveDraft(); });
  category.addEventListener('change', saveDraft);
  catSearch.addEventListener('input', () => fillCategories(catSearch.value));
  catSearch.addEventListener('keydown', (e) => {
    // Down arrow or Enter moves from the search box into the filtered list.
    if (e.key === 'ArrowDown' || e.key === 'Enter') {
      e.preventDefault();
      if (!category.value && category.options.length) category.selectedIndex = 0;
      category.focus();
      saveDraft();
    }
  });

  reset.addEventListener('click', () => {
    form.reset();
    channel.value = 'phone';
    priority.value = 'normal';
    catSearch.value = '';
    fillCategories('');
    clearErrors(form);
    checkCid();
    syncExtra();
    clearDraft(user.id);
    onCallerKeys({ phone: '', citizen_id: '' });
    name.focus();
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const contact = {};
    if (name.value.trim()) contact.name = name.value.trim();
    if (phone.value.trim()) contact.phone = phone.value.trim();
    const member = EXTRA[channel.value];
    if (member && extra.value.trim()) contact[member] = extra.value.trim();
    const body = { channel: channel.value, priority: priority.value, category: category.value, description: description.value.trim(), contact };
    const id = normaliseCitizenId(cid.value);
    if (id) body.citizen_id = id;
    submit.disabled = true;
    try {
      const c = await post('/api/v1/cases', body);
      clearDraft(user.id);
      form.reset();
      channel.value = 'phone';
      priority.value = 'normal';
      catSearch.value = '';
      fillCategories('');
      checkCid();
      syncExtra();
      onCreated(c);
    } catch (err) {
      showError(form, err, alert);
    } finally {
      submit.disabled = false;
    }
  });

  fillCategories('');
  const restored = loadDraft();
  syncExtra();
  if (restored) {
    checkCid();
    callerKeys();
    if (description.value) onDescription(description.value);
  }

  return {
    el: h('div', { class: 'case-form-wrap' },
      restored ? h('p', { class: 'draft-note', role: 'status' }, t('form.draftRestored')) : null, form),
    focus: () => name.focus(),
    /**
     * Prefill from the current call (channel, number, the ID the IVR verified),
     * keeping what is typed. Returns what it filled in, for unprefill().
     */
    prefill({ channel: ch, phone: ph, citizen_id: id }) {
      const filled = { phone: '', citizen_id: '' };
      if (ch) channel.value = ch;
      if (ph && !phone.value) { phone.value = ph; filled.phone = ph; }
      if (id && !cid.value) { cid.value = id; filled.citizen_id = id; checkCid(); }
      syncExtra();
      saveDraft();
      callerKeys();
      return filled;
    },
    /** Takes back what prefill() put in, where the user has not changed it since. */
    unprefill({ phone: ph, citizen_id: id }) {
      if (ph && phone.value === ph) phone.value = '';
      if (id && cid.value === id) { cid.value = ''; checkCid(); }
      saveDraft();
    },
    dispose() { callerKeys.cancel(); describe.cancel(); },
  };
}

