// Checks of the 12-digit personal ID number (PPP G YY RRRRRR) as it is typed.
// Advisory only: the server's 422 is authoritative, so the form never blocks on
// these (codes for births abroad may exist that this list does not know).
const PROVINCES = {
  '001': 'Hà Nội', '002': 'Hà Giang', '004': 'Cao Bằng', '006': 'Bắc Kạn', '008': 'Tuyên Quang',
  '010': 'Lào Cai', '011': 'Điện Biên', '012': 'Lai Châu', '014': 'Sơn La', '015': 'Yên Bái',
  '017': 'Hòa Bình', '019': 'Thái Nguyên', '020': 'Lạng Sơn', '022': 'Quảng Ninh', '024': 'Bắc Giang',
  '025': 'Phú Thọ', '026': 'Vĩnh Phúc', '027': 'Bắc Ninh', '030': 'Hải Dương', '031': 'Hải Phòng',
  '033': 'Hưng Yên', '034': 'Thái Bình', '035': 'Hà Nam', '036': 'Nam Định', '037': 'Ninh Bình',
  '038': 'Thanh Hóa', '040': 'Nghệ An', '042': 'Hà Tĩnh', '044': 'Quảng Bình', '045': 'Quảng Trị',
  '046': 'Thừa Thiên Huế', '048': 'Đà Nẵng', '049': 'Quảng Nam', '051': 'Quảng Ngãi', '052': 'Bình Định',
  '054': 'Phú Yên', '056': 'Khánh Hòa', '058': 'Ninh Thuận', '060': 'Bình Thuận', '062': 'Kon Tum',
  '064': 'Gia Lai', '066': 'Đắk Lắk', '067': 'Đắk Nông', '068': 'Lâm Đồng', '070': 'Bình Phước',
  '072': 'Tây Ninh', '074': 'Bình Dương', '075': 'Đồng Nai', '077': 'Bà Rịa–Vũng Tàu',
  '079': 'TP Hồ Chí Minh', '080': 'Long An', '082': 'Tiền Giang', '083': 'Bến Tre', '084': 'Trà Vinh',
  '086': 'Vĩnh Long', '087': 'Đồng Tháp', '089': 'An Giang', '091': 'Kiên Giang', '092': 'Cần Thơ',
  '093': 'Hậu Giang', '094': 'Sóc Trăng', '095': 'Bạc Liêu', '096': 'Cà Mau',
};

/**
 * → {state: 'empty'|'partial'|'error'|'ok', key, params}; `key` is an i18n key.
 * 'partial' while fewer than 12 digits are typed and nothing is wrong yet.
 */
export function checkCitizenId(raw, thisYear = new Date().getFullYear()) {
  const s = String(raw || '').replace(/\s+/g, '');
  if (!s) return { state: 'empty' };
  if (/\D/.test(s)) return { state: 'error', key: 'cid.digits' };
  if (s.length >= 3 && !PROVINCES[s.slice(0, 3)]) return { state: 'error', key: 'cid.province', params: { code: s.slice(0, 3) } };
  if (s.length > 12) return { state: 'error', key: 'cid.length', params: { n: s.length } };
  if (s.length < 12) return { state: 'partial', key: 'cid.typing', params: { n: s.length } };
  const g = +s[3];
  const year = 1900 + Math.floor(g / 2) * 100 + +s.slice(4, 6);
  if (year > thisYear) return { state: 'error', key: 'cid.future', params: { year } };
  return {
    state: 'ok', key: 'cid.ok',
    params: { province: PROVINCES[s.slice(0, 3)], year, sex: g % 2 ? 'F' : 'M' },
  };
}

/** The 63 place codes and province names, in code order: [['001', 'Hà Nội'], …]. */
export const PLACE_CODES = Object.entries(PROVINCES).sort(([a], [b]) => a.localeCompare(b));

export const normaliseCitizenId = (raw) => String(raw || '').replace(/\s+/g, '');
