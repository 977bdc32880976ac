// SLA clocks count business minutes (open hours, no days off, make-up
// workdays with Monday's hours), so a countdown cannot just subtract wall-clock
// time. The server's figure is authoritative when fetched; between fetches the
// desks advance it with the business calendar (GET /api/v1/settings/calendar).
import { get } from './api.js';
import { hcm, isoDay, addDays, fmtDuration, t } from './i18n.js';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
let calendar = null;

export async function loadCalendar() {
  try { calendar = await get('/api/v1/settings/calendar'); } catch { calendar = null; }
  return calendar;
}

const HCM_OFFSET_MS = 7 * 3600 * 1000; // UTC+7 all year (no daylight saving)
function dayStartUtc(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return Date.UTC(y, m - 1, d) - HCM_OFFSET_MS;
}
const toMin = (hhmm) => { const [h, m] = hhmm.split(':').map(Number); return h * 60 + m; };

function openIntervals(iso, cal) {
  if (cal.make_up_workdays.some((x) => x.date === iso)) return cal.week.mon || [];
  if (cal.days_off.some((x) => x.date === iso)) return [];
  const p = hcm(new Date(dayStartUtc(iso) + 12 * 3600 * 1000));
  return cal.week[DAYS[p.dow]] || [];
}

/** Business minutes from a to b (negative when b is before a); null without a calendar. */
export function businessMinutes(a, b, cal = calendar) {
  if (!cal) return null;
  const from = Math.min(+a, +b);
  const to = Math.max(+a, +b);
  let ms = 0;
  let day = isoDay(new Date(from));
  const last = isoDay(new Date(to));
  for (let i = 0; i < 800; i++) {
    const base = dayStartUtc(day);
    for (const [s, e] of openIntervals(day, cal)) {
      const lo = Math.max(from, base + toMin(s) * 60000);
      const hi = Math.min(to, base + toMin(e) * 60000);
      if (hi > lo) ms += hi - lo;
    }
    if (day === last) break;
    day = addDays(day, 1);
  }
  const min = ms / 60000;
  return +b >= +a ? min : -min;
}

/**
 * Remaining business minutes of a case now: the server's number at fetch time
 * less the business time since. null when paused, answered or closed.
 */
export function caseRemaining(c, fetchedAt, now = Date.now()) {
  const r = c.sla && c.sla.resolution_remaining_minutes;
  if (r === null || r === undefined) return null;
  const spent = businessMinutes(fetchedAt, now);
  return spent === null ? r : r - spent;
}

/** Remaining business minutes until an absolute due time (look-ups). */
export function remainingUntil(due, now = Date.now()) {
  const m = businessMinutes(now, new Date(due));
  return m === null ? (new Date(due) - now) / 60000 : m;
}

/** {text, cls} for a countdown: "còn 2 giờ 05 phút" / "quá hạn 12 phút". */
export function countdown(minutes) {
  if (minutes === null || minutes === undefined) return { text: '', cls: '' };
  if (minutes < 0) return { text: t('sla.over', { d: fmtDuration(-minutes) }), cls: 'danger' };
  return { text: t('sla.left', { d: fmtDuration(minutes) }), cls: minutes < 60 ? 'warn' : 'ok' };
}
