// Đăng nhập. Errors are the server's own words (wrong password, locked until
// hh:mm, disabled account), shown without clearing what was typed.
import { post } from './api.js';
import { t } from './i18n.js';
import { h, field, input, alertBox, showError, clearErrors } from './dom.js';

export function mount(root, { notice, onLogin }) {
  const login = input({ id: 'login-name', name: 'login', autocomplete: 'username', required: true, autocapitalize: 'off', spellcheck: 'false' });
  const password = input({ id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const alert = alertBox();
  const submit = h('button', { id: 'login-submit', class: 'btn-primary btn-block', type: 'submit' }, t('login.submit'));
  if (notice) { alert.textContent = notice; alert.hidden = false; }

  const form = h('form', { class: 'login-card', novalidate: true, 'aria-labelledby': 'login-h' },
    h('h1', { id: 'login-h' }, t('login.title')),
    h('p', { class: 'muted' }, t('login.lead')),
    field(t('login.login'), login, { name: 'login' }),
    field(t('login.password'), password, { name: 'password' }),
    alert,
    submit,
    h('p', { class: 'muted small' }, t('login.help')));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    submit.disabled = true;
    submit.textContent = t('login.busy');
    try {
      const s = await post('/api/v1/session', { login: login.value.trim(), password: password.value });
      onLogin(s);
    } catch (err) {
      submit.disabled = false;
      submit.textContent = t('login.submit');
      showError(form, err, alert);
      if (!err.field) { password.focus(); password.select(); }
    }
  });

  root.append(h('div', { class: 'login-page' }, form));
  login.focus();
  return () => {};
}
