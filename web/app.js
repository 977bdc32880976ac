// Minimal shell until the desks land: log in, show who is logged in, log out.
'use strict';
const $ = (id) => document.getElementById(id);
let csrf = '';

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: Object.assign({ 'Content-Type': 'application/json' }, csrf ? { 'X-CSRF-Token': csrf } : {}),
    body: body ? JSON.stringify(body) : undefined,
    credentials: 'same-origin',
  });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  return { status: res.status, data };
}

function show(user) {
  $('login').hidden = !!user;
  $('home').hidden = !user;
  $('who').textContent = user ? `${user.name} — ${user.role_name}` : '';
}

$('login').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  const r = await api('POST', '/api/v1/session', { login: f.get('login'), password: f.get('password') });
  if (r.status === 200) {
    csrf = r.data.csrf_token;
    $('login-error').textContent = '';
    show(r.data.user);
  } else {
    $('login-error').textContent = (r.data && r.data.error && r.data.error.message) || 'Lỗi kết nối máy chủ.';
  }
});

$('logout').addEventListener('click', async () => {
  await api('DELETE', '/api/v1/session');
  csrf = '';
  show(null);
});

(async () => {
  const r = await api('GET', '/api/v1/session');
  if (r.status === 200) csrf = r.data.csrf_token;
  show(r.status === 200 ? r.data.user : null);
})();
