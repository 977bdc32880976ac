// Vietnamese first, English on a switch. Dates dd/mm/yyyy and 24-hour times,
// always in the hotline's zone whatever the workstation's clock is set to.
import { STRINGS } from './strings.js';

export const TZ = 'Asia/Ho_Chi_Minh';
const KEY = 'tongdai.lang';

let lang = localStorage.getItem(KEY) === 'en' ? 'en' : 'vi';
export const getLang = () => lang;
export function setLang(l) {
  lang = l === 'en' ? 'en' : 'vi';
  localStorage.setItem(KEY, lang);
  document.documentElement.lang = lang;
}
document.documentElement.lang = lang;

/** t('cid.province', {code: '000'}) — a missing key shows itself, so it gets noticed. */
export function t(key, params) {
  let s = STRINGS[lang][key] ?? STRINGS.vi[key] ?? key;
  if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (params[k] ?? m));
  return s;
}

const partsFmt = new Intl.DateTimeFormat('en-GB', {
  timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', weekday: 'short',
});

/** Wall-clock parts in Hồ Chí Minh City: {y, m, d, hh, mm, ss, dow (0 = Sunday)}. */
export function hcm(date) {
  const p = {};
  for (const { type, value } of partsFmt.formatToParts(date)) p[type] = value;
  return {
    y: +p.year, m: +p.month, d: +p.day, hh: +p.hour % 24, mm: +p.minute, ss: +p.second,
    dow: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(p.weekday),
  };
}

const pad = (n) => String(n).padStart(2, '0');
const asDate = (v) => (v instanceof Date ? v : new Date(v));

export function fmtDate(v) {
  if (!v) return '';
  const p = hcm(asDate(v));
  return `${pad(p.d)}/${pad(p.m)}/${p.y}`;
}
export function fmtTime(v) {
  if (!v) return '';
  const p = hcm(asDate(v));
  return `${pad(p.hh)}:${pad(p.mm)}`;
}
export function fmtDateTime(v) { return v ? `${fmtDate(v)} ${fmtTime(v)}` : ''; }
/** Today: just the time; other days: date and time. */
export function fmtWhen(v) {
  if (!v) return '';
  return fmtDate(v) === fmtDate(new Date()) ? fmtTime(v) : fmtDateTime(v);
}

/** YYYY-MM-DD of a moment in Hồ Chí Minh City. */
export function isoDay(v = new Date()) {
  const p = hcm(asDate(v));
  return `${p.y}-${pad(p.m)}-${pad(p.d)}`;
}
export function addDays(iso, n) {
  const [y, m, d] = iso.split('-').map(Number);
  const u = new Date(Date.UTC(y, m - 1, d + n));
  return `${u.getUTCFullYear()}-${pad(u.getUTCMonth() + 1)}-${pad(u.getUTCDate())}`;
}
/** "2026-11-28" → "28/11/2026" and back (null when not a real date). */
export const isoToDmy = (iso) => (iso ? iso.split('-').reverse().join('/') : '');
export function dmyToIso(s) {
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(s || '');
  if (!m) return null;
  const iso = `${m[3]}-${pad(m[2])}-${pad(m[1])}`;
  return addDays(iso, 0) === iso ? iso : null;
}

/** Hours and minutes, e.g. "2 giờ 05 phút" / "2 h 05 min". */
export function fmtDuration(minutes) {
  const m = Math.max(0, Math.round(Math.abs(minutes)));
  if (m >= 24 * 60 * 2) return t('dur.days', { d: Math.floor(m / 1440), h: Math.floor((m % 1440) / 60) });
  if (m >= 60) return t('dur.hm', { h: Math.floor(m / 60), m: pad(m % 60) });
  return t('dur.m', { m });
}

export const fmtNumber = (n) => new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'vi-VN').format(n);

/** Label of an enum value, e.g. label('status', 'new') → "Mới". */
export const label = (kind, value) => t(`${kind}.${value}`);
