// Tiny DOM helpers. Everything goes in as text (textContent); the only HTML
// inserted anywhere is the knowledge base's pre-escaped highlights (kb.js).
import { t } from './i18n.js';

let seq = 0;
/** A page-unique id, so every <label for> points at exactly one control. */
export const uid = (prefix = 'f') => `${prefix}-${++seq}`;

/** h('button', {class: 'x', on: {click}}, 'text', child, [more]) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'for') el.htmlFor = v;
    else if (['value', 'checked', 'selected', 'disabled', 'hidden', 'required', 'readOnly', 'multiple'].includes(k)) el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * A labelled control with a message line under it. `name` is the API member
 * (e.g. "contact.phone") so a server error's `field` finds its control.
 */
export function field(label, control, { name, hint, cls } = {}) {
  if (!control.id) control.id = uid();
  const msg = h('div', { class: 'field-msg', id: control.id + '-msg', 'aria-live': 'polite' }, hint || '');
  msg.dataset.hint = hint || '';
  control.setAttribute('aria-describedby', msg.id);
  if (name) control.dataset.field = name;
  return h('div', { class: 'field' + (cls ? ' ' + cls : '') }, h('label', { for: control.id }, label), control, msg);
}

export function input(attrs = {}) { return h('input', { type: 'text', autocomplete: 'off', ...attrs }); }

export function select(options, attrs = {}) {
  const s = h('select', attrs);
  for (const [value, text] of options) s.append(h('option', { value }, text));
  if (attrs.value !== undefined) s.value = attrs.value;
  return s;
}

/** Message under a control: kind '' (hint), 'error', 'warn' or 'ok'. */
export function setMsg(control, text, kind = '') {
  // The control may not be in the document yet (a form being built).
  const msg = document.getElementById(control.id + '-msg')
    || (control.parentElement && control.parentElement.querySelector(`#${CSS.escape(control.id)}-msg`));
  if (!msg) return;
  msg.textContent = text || msg.dataset.hint || '';
  msg.className = 'field-msg' + (kind && text ? ' ' + kind : '');
  if (kind === 'error' && text) control.setAttribute('aria-invalid', 'true');
  else control.removeAttribute('aria-invalid');
}

export function clearErrors(root) {
  for (const c of root.querySelectorAll('[aria-invalid="true"]')) setMsg(c, '');
  for (const a of root.querySelectorAll('.form-alert')) { a.textContent = ''; a.hidden = true; }
}

/** The control a server error's `field` names: exact, else the nearest parent path (week.mon[1] → week.mon). */
export function findField(root, name) {
  let n = name;
  while (n) {
    const el = root.querySelector(`[data-field="${CSS.escape(n)}"]`);
    if (el) return el;
    const cut = Math.max(n.lastIndexOf('.'), n.lastIndexOf('['));
    n = cut > 0 ? n.slice(0, cut) : '';
  }
  return null;
}

/**
 * Shows an API error where the user looks: next to the named field when there
 * is one, else in the form's alert line. Never clears what the user typed.
 */
export function showError(root, err, alertEl) {
  clearErrors(root);
  const el = err && err.field ? findField(root, err.field) : null;
  if (el) {
    setMsg(el, err.message, 'error');
    el.focus();
    return;
  }
  const a = alertEl || root.querySelector('.form-alert');
  if (a) { a.textContent = err ? err.message : t('err.unknown'); a.hidden = false; }
}

export function alertBox() { return h('div', { class: 'form-alert', role: 'alert', hidden: true }); }

/** Visually hidden live region for short notices ("Đã lưu"). */
export function notify(text) {
  const el = document.getElementById('notice');
  if (!el) return;
  el.textContent = text;
  el.classList.add('show');
  clearTimeout(notify.timer);
  notify.timer = setTimeout(() => el.classList.remove('show'), 3500);
}

export function debounce(fn, ms) {
  let timer;
  const d = (...a) => { clearTimeout(timer); timer = setTimeout(() => fn(...a), ms); };
  d.cancel = () => clearTimeout(timer);
  return d;
}

/** Folds Vietnamese for matching: strips marks and đ → d (đ has no decomposition). */
export function fold(s) {
  return String(s || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
}

export function badge(text, kind) { return h('span', { class: `badge ${kind || ''}` }, text); }

/** A panel with a heading; the heading's id labels the region for screen readers. */
export function panel(title, { cls, actions } = {}) {
  const hid = uid('h');
  const body = h('div', { class: 'panel-body' });
  const head = h('div', { class: 'panel-head' }, h('h2', { id: hid }, title), actions || null);
  const el = h('section', { class: 'panel' + (cls ? ' ' + cls : ''), 'aria-labelledby': hid }, head, body);
  return { el, body, head, title: head.firstChild };
}

/**
 * Re-renders a list without losing the keyboard user's place: the element
 * with focus is found again by its data-key after `render()`.
 */
export function keepFocus(container, render) {
  const a = document.activeElement;
  const key = a && container.contains(a) && a.dataset ? a.dataset.key : null;
  render();
  if (key) container.querySelector(`[data-key="${CSS.escape(key)}"]`)?.focus();
}
