// JSON over fetch: the CSRF header on every state-changing call, the UI
// language as Accept-Language (so server messages match the screen), and one
// error type carrying the server's {code, message, field}.
import { getLang, t } from './i18n.js';

let csrf = '';
export const setCsrf = (token) => { csrf = token || ''; };

export class ApiError extends Error {
  constructor(status, code, message, field, extra = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field || '';
    // Seconds to wait after a 429 (error.retry_after_s, else the Retry-After header).
    this.retryAfter = extra.retryAfter || 0;
  }
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json', 'Accept-Language': getLang() === 'en' ? 'en' : 'vi' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  let res;
  try {
    res = await fetch(path, {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', t('err.network'));
  }
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (res.ok) return data;
  const e = (data && data.error) || {};
  const retryAfter = Number(e.retry_after_s || res.headers.get('Retry-After')) || 0;
  const err = new ApiError(res.status, e.code || `http_${res.status}`, e.message || t('err.http', { status: res.status }), e.field, { retryAfter });
  // A session that ended elsewhere (expiry, password reset, role change):
  // tell the shell, which goes back to the login page.
  if (res.status === 401 && !(method === 'POST' && path === '/api/v1/session')) {
    window.dispatchEvent(new CustomEvent('tongdai:session-lost', { detail: err }));
  }
  throw err;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);

/** Query string from an object, skipping empty values. */
export function qs(params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** Every page of a case search (per_page 100), up to `maxPages`. */
export async function allCases(params, maxPages = 50) {
  const items = [];
  for (let page = 1; page <= maxPages; page++) {
    const r = await get('/api/v1/cases' + qs({ ...params, per_page: 100, page }));
    items.push(...r.items);
    if (items.length >= r.total || r.items.length === 0) break;
  }
  return items;
}
