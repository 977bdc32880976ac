// Case categories (lĩnh vực), loaded once per desk and named in the UI language.
import { get } from './api.js';
import { getLang, t } from './i18n.js';

let byCode = new Map();

export async function loadCategories(all = false) {
  const r = await get('/api/v1/categories' + (all ? '?all=1' : ''));
  const items = r.items.slice().sort((a, b) => a.sort - b.sort || a.code.localeCompare(b.code));
  byCode = new Map(items.map((c) => [c.code, c]));
  return items;
}

export function catName(code) {
  const c = byCode.get(code);
  if (!c) return code || '';
  return getLang() === 'en' ? (c.name_en || c.name) : c.name;
}

/** Group letter → heading, e.g. A → "Thẻ căn cước". Unknown groups show as themselves. */
export function groupName(g) {
  const key = `catgroup.${g || 'Z'}`;
  const s = t(key);
  return s === key ? g : s;
}
