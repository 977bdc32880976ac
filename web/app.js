// The shell: who is logged in, which desk their role gets, the header
// (language switch, live-connection light, logout). Desks are ES modules with
// mount(root, ctx) → dispose(); they are re-mounted on a language switch.
import { get, api, setCsrf } from './js/api.js';
import { t, getLang, setLang } from './js/i18n.js';
import { connectLive } from './js/live.js';
import { clearDraft } from './js/case-form.js';

const DESKS = {
  operator: { path: '/operator', title: 'desk.operator', live: true, load: () => import('./js/operator.js') },
  officer: { path: '/officer', title: 'desk.officer', live: true, load: () => import('./js/officer.js') },
  supervisor: { path: '/wallboard', title: 'desk.supervisor', live: true, load: () => import('./js/wallboard.js') },
  admin: { path: '/admin', title: 'desk.admin', live: false, load: () => import('./js/admin.js') },
};

const $ = (id) => document.getElementById(id);
let session = null;
let dispose = null;
let live = null;
let renderSeq = 0;

function teardown() {
  if (dispose) { try { dispose(); } catch (e) { console.error(e); } }
  dispose = null;
  if (live) live.close();
  live = null;
}

function setLive(state) {
  const el = $('live');
  el.hidden = false;
  el.className = `live ${state}`;
  el.dataset.state = state;
  el.textContent = t(state === 'live' ? 'live.on' : 'live.off');
}

function renderHeader(desk) {
  $('skip-link').textContent = t('app.skip');
  $('brand-name').textContent = t('app.name');
  $('desk-name').textContent = desk ? t(desk.title) : '';
  const other = getLang() === 'en' ? 'vi' : 'en';
  $('lang-btn').textContent = other === 'en' ? 'English' : 'Tiếng Việt';
  $('lang-btn').lang = other;
  $('lang-btn').setAttribute('aria-label', t('app.langSwitch'));
  $('logout-btn').textContent = t('app.logout');
  $('logout-btn').hidden = !session;
  $('who').textContent = session ? `${session.user.name} · ${t('role.' + session.user.role)}` : '';
  $('live').hidden = true;
}

async function render(notice) {
  const mySeq = ++renderSeq;
  teardown();
  const main = $('main');
  main.replaceChildren();
  const desk = session ? DESKS[session.user.role] : null;
  renderHeader(desk);
  document.title = `${desk ? t(desk.title) : t('login.title')} · ${t('app.title')}`;
  if (!desk) {
    if (location.pathname !== '/login') history.replaceState(null, '', '/login');
    const mod = await import('./js/login.js');
    if (mySeq !== renderSeq) return;
    dispose = mod.mount(main, { notice, onLogin });
    return;
  }
  if (location.pathname !== desk.path) history.replaceState(null, '', desk.path);
  const mod = await desk.load();
  if (mySeq !== renderSeq) return;
  if (desk.live) {
    setLive('reconnecting');
    live = connectLive(setLive);
  }
  dispose = mod.mount(main, { user: session.user, live });
}

function onLogin(s) {
  session = s;
  setCsrf(s.csrf_token);
  render();
}

async function logout() {
  const user = session && session.user;
  if (user && (user.role === 'operator' || user.role === 'officer')) {
    // Leave the routing engine first, so no call is offered to an empty seat.
    await api('POST', '/api/v1/acd/me/state', { state: 'logged_out' }).catch(() => {});
  }
  await api('DELETE', '/api/v1/session').catch(() => {});
  // A draft holds a caller's personal data: it outlives a reload, not a logout.
  if (user) clearDraft(user.id);
  session = null;
  setCsrf('');
  render();
}

$('logout-btn').addEventListener('click', logout);
$('lang-btn').addEventListener('click', () => {
  setLang(getLang() === 'en' ? 'vi' : 'en');
  render();
});
window.addEventListener('tongdai:session-lost', () => {
  if (!session) return;
  session = null;
  setCsrf('');
  render(t('login.expired'));
});

(async () => {
  try {
    session = await get('/api/v1/session');
    setCsrf(session.csrf_token);
  } catch {
    session = null;
  }
  render();
})();
