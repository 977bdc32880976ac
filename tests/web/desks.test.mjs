// Browser tests of the web desks: a real tongdai (demo data in a temp dir, a
// free loopback port) driven through Debian's Chromium with playwright-core.
// Several browser contexts act as different people at once, so what is live
// (WebSocket events) is checked across desks without reloading any page.
// Every wait is on a condition; nothing sleeps for a fixed time.
// The hotline is real too: SIP on a free UDP port, SIPp (Debian's sip-tester)
// as the carrier's caller and as the agents' desk phones.
//
//   TONGDAI_BIN=build/tongdai node --test tests/web/desks.test.mjs
//   (TONGDAI_PROMPTS_DIR: the rendered prompts, if not in prompts/ beside the binary)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = process.env.TONGDAI_BIN || path.join(ROOT, 'build', 'tongdai');
const SHOTS = path.join(ROOT, 'docs', 'screenshots');
const PASSWORD = 'demo-tongdai-2026';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-quic', '--disable-sync'];
const VIEWPORT = { width: 1366, height: 768 };
const WAIT = 8000; // upper bound for anything that should be live
const SIP_DIR = path.join(ROOT, 'tests', 'sip');
const PCAPS = '/usr/share/sip-tester';
const SIP_PASSWORD = 'demo-sip-2026';
const SIPP = (process.env.PATH || '').split(':').map((d) => path.join(d, 'sipp')).find((f) => fs.existsSync(f));

let dataDir;
let configFile;
let port;
let sipPort;
let base;
let server = null;
let serverLog;
let browser;
let failed = false;
const pages = {};

// ---- server --------------------------------------------------------------------------
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

/** A loopback port free for both UDP and TCP (SIP listens on both). */
async function freeSipPort() {
  for (;;) {
    const p = await new Promise((resolve, reject) => {
      const u = dgram.createSocket('udp4');
      u.once('error', reject);
      u.bind(0, '127.0.0.1', () => { const n = u.address().port; u.close(() => resolve(n)); });
    });
    const tcpFree = await new Promise((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(p, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (tcpFree) return p;
  }
}

function cleanEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TONGDAI_')) env[k] = v;
  env.LANG = env.LANG || 'C.UTF-8';
  return env;
}

async function startServer() {
  const out = fs.openSync(serverLog, 'a');
  // The hotline's IVR from this source tree, and its rendered prompts: TONGDAI_PROMPTS_DIR if
  // given, else the binary finds prompts/ beside itself (build/prompts).
  const env = cleanEnv();
  env.TONGDAI_IVR_FILE = process.env.TONGDAI_IVR_FILE || path.join(ROOT, 'data', 'ivr', 'hotline.toml');
  if (process.env.TONGDAI_PROMPTS_DIR) env.TONGDAI_PROMPTS_DIR = process.env.TONGDAI_PROMPTS_DIR;
  server = spawn(BIN, ['serve', '--data', dataDir, '--listen', `127.0.0.1:${port}`, '--web-root', path.join(ROOT, 'web'),
    '--config', configFile, '--sip', `127.0.0.1:${sipPort}`],
    { env, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const exited = new Promise((resolve) => server.once('exit', (code) => resolve(code)));
  server.exited = exited;
  const deadline = Date.now() + 20000;
  for (;;) {
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) return;
    } catch { /* not listening yet */ }
    if (server.exitCode !== null) throw new Error(`tongdai exited early (code ${server.exitCode}); see ${serverLog}`);
    if (Date.now() > deadline) throw new Error(`tongdai did not answer /healthz within 20 s; see ${serverLog}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopServer() {
  if (!server || server.exitCode !== null) return;
  const s = server;
  s.kill('SIGTERM');
  const t = setTimeout(() => s.kill('SIGKILL'), 12000);
  await s.exited;
  clearTimeout(t);
}

process.on('exit', () => {
  if (server && server.exitCode === null) server.kill('SIGKILL');
  for (const p of sipps) if (p.exitCode === null) p.kill('SIGKILL');
});

// ---- SIPp: the carrier's caller and the agents' desk phones ------------------------------------
const sipps = new Set();

/** One SIPp run of `scenario` against tongdai; `.done` resolves to {code, log} at its exit. */
async function sipp(scenario, extra, timeoutS = 60) {
  const p = await freeSipPort();
  const mp = await freeSipPort();
  const errFile = path.join(dataDir, `sipp-${p}.err`);
  const proc = spawn(SIPP, [`127.0.0.1:${sipPort}`, '-sf', scenario, '-m', '1', '-i', '127.0.0.1', '-p', String(p),
    '-mi', '127.0.0.1', '-mp', String(mp), '-nostdin', '-timeout', String(timeoutS), '-timeout_error',
    '-trace_err', '-error_file', errFile, ...extra], { cwd: dataDir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  sipps.add(proc);
  proc.port = p;
  proc.done = new Promise((resolve) => proc.once('exit', (code) => {
    sipps.delete(proc);
    const log = stderr + (fs.existsSync(errFile) ? fs.readFileSync(errFile, 'utf8').slice(-2000) : '');
    resolve({ code, log });
  }));
  return proc;
}

/**
 * An agent's desk phone: SIPp as a UAS that rings for `ringMs`, answers, and
 * stays until tongdai hangs up; registered for `login` with the demo password.
 */
async function registerPhone(login, ringMs) {
  const xml = fs.readFileSync(path.join(SIP_DIR, 'uas_agent.xml'), 'utf8');
  assert.ok(xml.includes('<pause milliseconds="200"/>'), 'uas_agent.xml no longer has its 200 ms ring');
  const ringing = xml.replace('<pause milliseconds="200"/>', `<pause milliseconds="${ringMs}"/>`);
  const scenario = path.join(dataDir, `uas-${login}.xml`);
  fs.writeFileSync(scenario, ringing);
  return registerUas(login, await sipp(scenario, [], 120));
}

/** A desk phone that is busy: it answers one call with 486 Busy Here. */
async function registerBusyPhone(login) {
  return registerUas(login, await sipp(path.join(SIP_DIR, 'uas_busy.xml'), [], 60));
}

async function registerUas(login, uas) {
  const reg = await sipp(path.join(SIP_DIR, 'register.xml'),
    ['-s', login, '-au', login, '-ap', SIP_PASSWORD, '-key', 'contact_port', String(uas.port)], 20);
  const r = await reg.done;
  assert.equal(r.code, 0, `REGISTER ${login} failed: ${r.log}`);
  return uas;
}

/**
 * The caller: a trunk call to 19000368 that presses `keys` (RFC 4733), talks for `talkMs`, hangs up.
 * With `thenKeys`: after `keys`, `pauseMs` in the queue, then presses those (e.g. 1: call me back).
 * With `waitForBye`: it does not hang up but waits for tongdai to (and answers its BYE).
 */
async function callHotline({ caller, keys, talkMs = 0, pauseMs = 0, thenKeys = '', waitForBye = false }) {
  // The head (INVITE … ACK) and the two endings are shared with tests/integration/test_telephony.py.
  const part = (name) => fs.readFileSync(path.join(SIP_DIR, 'parts', name), 'utf8').replaceAll('CALLER_NUMBER', caller);
  const pressKeys = (ks) => [...ks].map((k) => `  <nop><action><exec play_pcap_audio="${PCAPS}/dtmf_2833_${{ '#': 'pound', '*': 'star' }[k] || k}.pcap"/></action></nop>
  <pause milliseconds="350"/>
`).join('');
  const press = pressKeys(keys) + (thenKeys ? `  <pause milliseconds="${pauseMs}"/>\n${pressKeys(thenKeys)}` : '');
  const end = waitForBye ? part('caller_waits_for_bye.xml')
    : `  <pause milliseconds="${talkMs}"/>\n${part('caller_hangs_up.xml')}`;
  const xml = `${part('caller_head.xml')}  <pause milliseconds="1200"/>
${press}${end}`;
  const scenario = path.join(dataDir, `caller-${caller}.xml`);
  fs.writeFileSync(scenario, xml);
  return sipp(scenario, ['-s', '19000368'], 90);
}

// ---- API (node side, for set-up only) --------------------------------------------------------
async function apiSession(login) {
  const r = await fetch(`${base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login, password: PASSWORD }),
  });
  assert.equal(r.status, 200, `log in ${login}`);
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrf_token: csrf } = await r.json();
  return async (method, p, body) => {
    const res = await fetch(base + p, {
      method, body: body === undefined ? undefined : JSON.stringify(body),
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    });
    const data = res.status === 204 ? null : await res.json();
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(data)}`);
    return data;
  };
}

// ---- browser helpers ---------------------------------------------------------------------------
async function newPage(name, opts = {}) {
  const ctx = await browser.newContext({ viewport: VIEWPORT, ...opts });
  const page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  pages[name] = page;
  return page;
}

async function login(page, user) {
  await page.goto(`${base}/`);
  await page.fill('#login-name', user);
  await page.fill('#login-password', PASSWORD);
  await page.click('#login-submit');
  await page.waitForSelector('.desk');
}

const waitLive = (page) => page.waitForSelector('#live[data-state="live"]', { timeout: WAIT });

/** Marks the document; if the page reloads, the mark is gone. */
const markDocument = (page) => page.evaluate(() => { window.__sameDocument = true; });
const sameDocument = (page) => page.evaluate(() => window.__sameDocument === true);

async function tileValue(page, key) {
  const sel = `[data-tile="${key}"] .tile-value`;
  await page.waitForFunction((s) => /\d/.test(document.querySelector(s)?.textContent || ''), sel, { timeout: WAIT });
  return Number((await page.textContent(sel)).replace(/\D/g, ''));
}

async function waitTile(page, key, value) {
  const sel = `[data-tile="${key}"] .tile-value`;
  const t0 = Date.now();
  await page.waitForFunction(([s, v]) => Number((document.querySelector(s)?.textContent || '').replace(/\D/g, '')) === v,
    [sel, value], { timeout: WAIT });
  return Date.now() - t0;
}

/** Visible inputs, selects and textareas without an associated <label>. */
function unlabelled(page) {
  return page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
    .filter((el) => el.type !== 'hidden' && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
    .filter((el) => !(el.labels && el.labels.length))
    .map((el) => el.outerHTML.slice(0, 120)));
}

async function shot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), animations: 'disabled' });
}

const hcmDateTime = (iso) => {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
};

// The steps form one scenario: once a step failed the later ones cannot pass,
// so they fail at once (never skip) and the first failure is the one to read.
function step(name, fn) {
  test(name, { timeout: 90000 }, async (t) => {
    if (failed) assert.fail('not run: an earlier step of the scenario failed');
    try { await fn(t); } catch (e) { failed = true; throw e; }
  });
}

// ---- set-up and tear-down --------------------------------------------------------------------
before(async () => {
  assert.ok(fs.existsSync(BIN), `tongdai binary not found: ${BIN} (set TONGDAI_BIN)`);
  assert.ok(SIPP, 'sipp (Debian\'s sip-tester) is not installed: scripts/install-deps installs it');
  if (!fs.existsSync(path.join(ROOT, 'web', 'vendor', 'chart.umd.min.js'))) {
    execFileSync(path.join(ROOT, 'scripts', 'vendor-web'), { cwd: ROOT, stdio: 'inherit' });
  }
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tongdai-web-'));
  serverLog = path.join(dataDir, 'server.log');
  execFileSync(BIN, ['demo', '--data', dataDir], { env: cleanEnv(), stdio: 'ignore' });
  // Registry limits low enough that a short scenario meets them: the third
  // look-up in an hour alerts the supervisors, the fifth in a minute is refused.
  configFile = path.join(dataDir, 'tongdai.toml');
  fs.writeFileSync(configFile, 'lookup_alert_per_hour = 3\nlookup_limit_per_minute = 4\n');
  port = await freePort();
  sipPort = await freeSipPort();
  base = `http://127.0.0.1:${port}`;
  await startServer();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });

  // The knowledge-base panel needs an answer about a card not received: publish
  // one unless the demo data already has it.
  const sup = await apiSession('giamsat');
  const found = await sup('GET', '/api/v1/kb/search?q=' + encodeURIComponent('chưa nhận được thẻ căn cước'));
  if (!found.results.some((r) => /Chưa nhận được thẻ căn cước/i.test(r.title))) await seedKb(sup);
});

async function seedKb(sup) {
  await sup('POST', '/api/v1/kb/articles', {
    title: 'Chưa nhận được thẻ căn cước sau 7 ngày làm việc', category: 'the.tien_do', status: 'published',
    answer: 'Thời hạn cấp thẻ là 7 ngày làm việc kể từ khi hồ sơ đầy đủ. Công dân tra cứu tiến độ trên VNeID.',
    legal_basis: 'Luật Căn cước 2023', tags: ['tiến độ'],
  });
  await sup('POST', '/api/v1/kb/articles', {
    title: 'Mất thẻ căn cước: thủ tục cấp lại', category: 'the.cap_lai', status: 'published',
    answer: 'Công dân đến công an cấp xã bất kỳ để đề nghị cấp lại thẻ.', tags: ['mất thẻ'],
  });
}

after(async () => {
  try { if (browser) await browser.close(); } catch { /* already gone */ }
  for (const p of sipps) if (p.exitCode === null) p.kill('SIGKILL');
  await stopServer();
  if (failed && serverLog && fs.existsSync(serverLog)) {
    const tail = fs.readFileSync(serverLog, 'utf8').split('\n').slice(-40).join('\n');
    process.stderr.write(`--- tail of ${serverLog} ---\n${tail}\n`);
  }
  for (const [name, page] of Object.entries(pages)) {
    if (page.errors.length) process.stderr.write(`page errors (${name}): ${page.errors.join(' | ')}\n`);
  }
  if (dataDir && !failed) fs.rmSync(dataDir, { recursive: true, force: true });
});

// ---- the story ------------------------------------------------------------------------------------
let caseId;
let before0 = {};

step('login page: labels, tab order, visible focus, server messages', async () => {
  const page = await newPage('login');
  await page.goto(`${base}/`);
  await page.waitForSelector('#login-submit');
  assert.equal(await page.getAttribute('html', 'lang'), 'vi');
  assert.equal((await page.textContent('h1')).trim(), 'Đăng nhập');
  assert.deepEqual(await unlabelled(page), []);
  await shot(page, 'login');

  // Tab from the top of the page (the skip link, first in the document)
  // reaches the login, the password, then the button, in that order.
  await page.focus('#skip-link');
  const order = ['skip-link'];
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => document.activeElement.id || document.activeElement.tagName));
    if (order.at(-1) === 'login-submit') break;
  }
  const at = order.indexOf('login-name');
  assert.ok(at >= 0, `Tab never reached the login field: ${order}`);
  assert.deepEqual(order.slice(at, at + 3), ['login-name', 'login-password', 'login-submit']);
  // The focused button shows a focus ring.
  const ring = await page.evaluate(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, parseFloat(s.outlineWidth)]; });
  assert.notEqual(ring[0], 'none');
  assert.ok(ring[1] >= 2, `focus outline ${ring[1]}px`);

  // Wrong password: the server's words, and the login kept.
  await page.fill('#login-name', 'tdv20');
  await page.fill('#login-password', 'sai-mat-khau');
  await page.press('#login-password', 'Enter');
  await page.waitForSelector('.form-alert:not([hidden])');
  assert.equal((await page.textContent('.form-alert')).trim(), 'Sai tên đăng nhập hoặc mật khẩu.');
  assert.equal(await page.inputValue('#login-name'), 'tdv20');

  // Locked out after repeated failures: the server's message says until when.
  const loginAnswer = () => page.waitForResponse((r) => r.url().endsWith('/api/v1/session') && r.request().method() === 'POST');
  for (let i = 0; i < 6; i++) {
    await page.fill('#login-password', `sai-mat-khau-${i}`);
    const [answer] = await Promise.all([loginAnswer(), page.click('#login-submit')]);
    await page.waitForSelector('#login-submit:not([disabled])');
    if (answer.status() === 423) break;
  }
  assert.match(await page.textContent('.form-alert'), /khoá|khóa/);
  assert.match(await page.textContent('.form-alert'), /\d{2}:\d{2}/);
});

step('supervisor opens the wallboard: counts, chart, agents', async () => {
  const page = await newPage('supervisor');
  await login(page, 'giamsat');
  assert.equal(new URL(page.url()).pathname, '/wallboard');
  await waitLive(page);
  for (const k of ['new', 'waiting_lookup', 'lookups', 'today', 'open']) before0[k] = await tileValue(page, k);
  assert.ok(before0.open >= before0.new + before0.waiting_lookup);
  await page.waitForFunction(() => window.Chart && document.querySelector('#wb-chart').width > 0, null, { timeout: WAIT });
  await page.waitForSelector('#wb-channels tbody tr');
  await markDocument(page);
});

step('two officers open the console (the second one misses claim events)', async () => {
  const a = await newPage('officer1');
  await login(a, 'cbnv02');
  assert.equal(new URL(a.url()).pathname, '/officer');
  await a.waitForSelector('#lookup-pool .lookup-item');
  await waitLive(a);
  await markDocument(a);

  // The second officer's socket drops lookup.updated: a desk that has not
  // heard of a claim yet, as when two officers click at the same moment.
  const b = await newPage('officer2');
  await b.routeWebSocket(/\/api\/v1\/events$/, (ws) => {
    const srv = ws.connectToServer();
    srv.onMessage((m) => { if (!String(m).includes('"lookup.updated"')) ws.send(m); });
  });
  await login(b, 'cbnv03');
  await b.waitForSelector('#lookup-pool .lookup-item');
  await waitLive(b);
});

step('operator: a half-typed draft survives a reload and a language switch', async () => {
  const page = await newPage('operator', { timezoneId: 'Europe/London' }); // the UI must not follow the PC's zone
  await login(page, 'tdv05');
  assert.equal(new URL(page.url()).pathname, '/operator');
  await page.keyboard.press('Alt+n');
  await page.waitForFunction(() => document.activeElement && document.activeElement.dataset.field === 'contact.name');
  await page.keyboard.type('Trần Văn Bình');
  await page.fill('[data-field="description"]', 'Công dân hỏi vì sao chưa nhận được');
  await page.reload();
  await page.waitForSelector('.draft-note');
  assert.equal(await page.inputValue('[data-field="contact.name"]'), 'Trần Văn Bình');
  assert.equal(await page.inputValue('[data-field="description"]'), 'Công dân hỏi vì sao chưa nhận được');

  await page.click('#lang-btn');
  await page.waitForSelector('#tab-new:has-text("New case")');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.inputValue('[data-field="contact.name"]'), 'Trần Văn Bình');
  await page.click('#lang-btn');
  await page.waitForSelector('#tab-new:has-text("Phiếu mới")');
  await waitLive(page);
  assert.deepEqual(await unlabelled(page), []);
});

step('operator goes ready; the wallboard shows it live', async () => {
  const page = pages.operator;
  const sup = pages.supervisor;
  await page.click('#btn-ready');
  await page.waitForSelector('#my-state .ag-ready');
  await sup.waitForSelector('#wb-agents tr[data-agent="tdv05"] .ag-ready', { timeout: WAIT });
  assert.ok(await sameDocument(sup));
});

step('operator: bad then good citizen ID, caller history, knowledge base, create', async (t) => {
  const page = pages.operator;
  const sup = pages.supervisor;
  await page.fill('[data-field="contact.phone"]', '0912 345 678');
  // Checked as typed: the province code is known after three digits.
  await page.focus('[data-field="citizen_id"]');
  await page.keyboard.type('000085012345');
  const msg = '#' + (await page.getAttribute('[data-field="citizen_id"]', 'id')) + '-msg';
  assert.equal((await page.textContent(msg)).trim(), 'Mã tỉnh 000 không tồn tại');
  assert.equal(await page.getAttribute('[data-field="citizen_id"]', 'aria-invalid'), 'true');

  // The caller's earlier cases (the demo has one for this number).
  await page.waitForSelector('#caller-history .case-item', { timeout: WAIT });

  // Category by search, then the description brings knowledge-base answers.
  await page.fill('[data-cat-search]', 'tien do');
  await page.press('[data-cat-search]', 'ArrowDown');
  assert.equal(await page.inputValue('[data-field="category"]'), 'the.tien_do');
  await page.fill('[data-field="description"]', 'Công dân hỏi vì sao chưa nhận được thẻ căn cước sau 3 tuần');
  await page.waitForSelector('.kb-results .kb-title mark', { timeout: WAIT });
  assert.match(await page.textContent('.kb-results'), /chưa nhận được thẻ căn cước/i);
  assert.deepEqual(await unlabelled(page), []);
  await shot(page, 'operator');

  // The server has the last word: its 422 sits next to the field, input kept.
  await page.click('.case-form button[type=submit]');
  await page.waitForFunction((m) => /không tồn tại trong số định danh/.test(document.querySelector(m).textContent), msg, { timeout: WAIT });
  assert.equal(await page.inputValue('[data-field="citizen_id"]'), '000085012345');
  assert.equal(await page.inputValue('[data-field="contact.name"]'), 'Trần Văn Bình');

  await page.fill('[data-field="citizen_id"]', '001085012345');
  assert.match(await page.textContent(msg), /Hà Nội · nam · sinh năm 1985/);
  const submittedAt = Date.now();
  await page.click('.case-form button[type=submit]');
  await page.waitForSelector('#tab-case:not([hidden])', { timeout: WAIT });
  caseId = Number((await page.textContent('#tab-case')).replace(/\D/g, ''));
  assert.ok(caseId > 0);
  await page.waitForSelector(`#my-queue [data-case-id="${caseId}"]`, { timeout: WAIT });

  // Dates dd/mm/yyyy and 24-hour times in Hồ Chí Minh City, whatever the PC's zone.
  const sv = await apiSession('giamsat');
  const c = await sv('GET', `/api/v1/cases/${caseId}`);
  assert.match(await page.textContent('.case-view .facts'), new RegExp(hcmDateTime(c.created_at).replace(/\//g, '\\/')));
  // The draft went with the submission.
  assert.equal(await page.evaluate((id) => localStorage.getItem(`tongdai.draft.${id}`), c.created_by), null);

  // The wallboard counted the new case without a reload.
  await waitTile(sup, 'new', before0.new + 1);
  const ms = Date.now() - submittedAt;
  await waitTile(sup, 'today', before0.today + 1);
  t.diagnostic(`the wallboard counted the case ${ms} ms after the operator pressed "Tạo phiếu" (at most)`);
  assert.ok(ms < 3000, `wallboard took ${ms} ms`);
});

step('operator escalates; officers see it appear live; the wallboard counts it', async () => {
  const page = pages.operator;
  await page.click('#btn-escalate');
  await page.fill('[data-field="what"]', 'Tra cứu tiến độ hồ sơ cấp đổi thẻ, đã in hay chưa');
  await page.fill('[data-field="reason"]', 'Công dân chờ quá 3 tuần');
  await page.click('form[aria-label="Chuyển cán bộ nghiệp vụ tra cứu"] button[type=submit]');
  await page.waitForSelector('.case-head .st-waiting_lookup', { timeout: WAIT });

  for (const name of ['officer1', 'officer2']) {
    await pages[name].waitForSelector(`#lookup-pool .lookup-item[data-case-id="${caseId}"]`, { timeout: WAIT });
  }
  assert.ok(await sameDocument(pages.officer1), 'the officer page reloaded');
  await waitTile(pages.supervisor, 'waiting_lookup', before0.waiting_lookup + 1);
  await waitTile(pages.supervisor, 'lookups', before0.lookups + 1);
});

step('first officer claims; the second cannot claim the same request', async () => {
  const a = pages.officer1;
  const b = pages.officer2;
  const item = `#lookup-pool .lookup-item[data-case-id="${caseId}"]`;
  // The second officer has the request open, claim button showing…
  await b.click(item);
  await b.waitForSelector('#btn-claim');
  // …while the first one claims it.
  await a.click(item);
  await a.waitForSelector('#btn-claim');
  await a.click('#btn-claim');
  await a.waitForSelector('#btn-answer', { timeout: WAIT });
  assert.match(await a.textContent(`${item} .li-state`), /Đang tra cứu/);

  await b.click('#btn-claim');
  await b.waitForSelector('#lookup-detail .form-alert:not([hidden])', { timeout: WAIT });
  assert.match(await b.textContent('#lookup-detail .form-alert'), /đã được .+ nhận xử lý/);
  assert.equal(await b.$('#btn-claim'), null);
  assert.match(await b.textContent('#lookup-detail'), /Cán bộ khác đang xử lý/);
});

step('officer answers back to the operator; the operator sees it arrive live', async () => {
  const a = pages.officer1;
  const op = pages.operator;
  await markDocument(op);
  const answer = 'Hồ sơ đã in thẻ ngày 20/11, đã chuyển bưu điện; công dân nhận trong 3 ngày.';
  await a.fill('#lookup-detail [data-field="answer"]', answer);
  assert.deepEqual(await unlabelled(a), []);
  await shot(a, 'officer');
  await a.click('#btn-answer');
  await a.waitForSelector(`#lookup-pool .lookup-item[data-case-id="${caseId}"]`, { state: 'detached', timeout: WAIT });

  await op.waitForSelector('.case-view .lookup-answer', { timeout: WAIT });
  assert.match(await op.textContent('.case-view .lookup-answer'), /đã chuyển bưu điện/);
  await op.waitForSelector('.case-head .st-in_progress', { timeout: WAIT });
  assert.ok(await sameDocument(op), 'the operator page reloaded');
  await shot(op, 'operator-case');

  const sup = pages.supervisor;
  await waitTile(sup, 'waiting_lookup', before0.waiting_lookup);
  await waitTile(sup, 'lookups', before0.lookups);
  assert.ok(await sameDocument(sup), 'the wallboard reloaded');
  assert.deepEqual(await unlabelled(sup), []);
  await sup.waitForFunction(() => window.Chart && document.querySelector('#wb-chart').width > 0);
  await shot(sup, 'wallboard');
});

step('admin: users, a refused password shown at its field, calendar and SLA forms', async () => {
  const page = await newPage('admin');
  await login(page, 'quantri');
  assert.equal(new URL(page.url()).pathname, '/admin');
  await page.waitForSelector('.users-table tr[data-user="tdv01"]');
  await page.fill('[data-field="login"]', 'tdv99');
  await page.fill('[data-field="name"]', 'Nguyễn Văn Thử');
  await page.fill('[data-field="password"]', 'ngan');
  await page.click('form[aria-label="Thêm người dùng"] button[type=submit]');
  const pwMsg = '#' + (await page.getAttribute('[data-field="password"]', 'id')) + '-msg';
  await page.waitForFunction((m) => document.querySelector(m).classList.contains('error'), pwMsg, { timeout: WAIT });
  assert.ok((await page.textContent(pwMsg)).trim().length > 0);
  assert.equal(await page.inputValue('[data-field="name"]'), 'Nguyễn Văn Thử');
  assert.deepEqual(await unlabelled(page), []);
  await shot(page, 'admin');

  await page.click('#admin-tab-calendar');
  await page.waitForSelector('[data-field="week.mon"]');
  assert.deepEqual(await unlabelled(page), []);
  await page.click('#admin-tab-sla');
  await page.waitForSelector('[data-field="targets.urgent.resolution_minutes"]');
  assert.deepEqual(await unlabelled(page), []);
});

// ---- the population registry: caller verification, officer look-up, alert -----------------------
const BINH = { name: 'Nguyễn Văn Bình', id: '001085004721', masked: '001*******21', birth: '14/03/1985' };
let binhCase;

step('operator verifies a caller against the registry: không khớp, then đã xác minh', async () => {
  const page = await newPage('operator1');
  await login(page, 'tdv01');
  await waitLive(page);
  await page.fill('[data-field="contact.name"]', BINH.name);
  await page.fill('[data-field="contact.phone"]', '0912 345 678');
  await page.fill('.case-form [data-field="citizen_id"]', BINH.id);
  await page.fill('[data-cat-search]', 'tien do');
  await page.press('[data-cat-search]', 'ArrowDown');
  await page.fill('[data-field="description"]', 'Công dân hỏi hồ sơ cấp đổi thẻ nộp hôm qua đã được duyệt chưa.');
  await page.click('.case-form button[type=submit]');
  await page.waitForSelector('#tab-case:not([hidden])', { timeout: WAIT });
  binhCase = Number((await page.textContent('#tab-case')).replace(/\D/g, ''));
  assert.ok(binhCase > 0);

  // The step sits on the case, prefilled from it.
  const form = '.case-view .verify-form';
  await page.waitForSelector(form);
  assert.equal(await page.inputValue(`${form} [data-field="citizen_id"]`), BINH.id);
  assert.equal(await page.inputValue(`${form} [data-field="full_name"]`), BINH.name);
  const birth = `${form} [data-field="birth_date"]`;

  // A malformed date: the server's words under the date field.
  await page.fill(birth, '1985/03/14');
  await page.click('#btn-verify');
  const birthMsg = '#' + (await page.getAttribute(birth, 'id')) + '-msg';
  await page.waitForFunction((m) => document.querySelector(m).classList.contains('error'), birthMsg, { timeout: WAIT });
  assert.match(await page.textContent(birthMsg), /dd\/mm\/yyyy/);

  // A wrong birth date: "không khớp", without saying what differed.
  await page.fill(birth, '15/03/1985');
  await page.click('#btn-verify');
  await page.waitForSelector('#verify-result [data-verified="false"]', { timeout: WAIT });
  const no = await page.textContent('#verify-result');
  assert.match(no, /Không khớp/);
  assert.match(no, /không khớp với hồ sơ/);
  assert.doesNotMatch(no, /Đã tiếp nhận/);

  // The right one: verified, with the status summary only.
  await page.fill(birth, BINH.birth);
  assert.equal(await page.textContent('#verify-result'), '', 'an edit clears the earlier answer');
  await page.click('#btn-verify');
  await page.waitForSelector('#verify-result [data-verified="true"]', { timeout: WAIT });
  const ok = await page.textContent('#verify-result');
  assert.match(ok, /Đã xác minh/);
  assert.match(ok, /Đã tiếp nhận hồ sơ, đang chờ xét duyệt/);
  assert.match(ok, /Hạn trả kết quả\s*\d{2}\/\d{2}\/\d{4}/);
  assert.match(ok, /Nhận tại Công an/);
  assert.ok(ok.includes(BINH.masked));
  assert.ok(!ok.includes(BINH.id), 'the verification shows the masked ID only');
  assert.deepEqual(await unlabelled(page), []);
  await shot(page, 'operator-verify');
});

step('officer claims, looks up by ID, searches by name, opens the record and pastes the status', async (t) => {
  const op = pages.operator1;
  await op.click('#btn-escalate');
  await op.fill('[data-field="what"]', 'Tra cứu hồ sơ cấp đổi thẻ đã được duyệt chưa');
  await op.fill('[data-field="reason"]', 'Công dân chờ kết quả duyệt hồ sơ');
  await op.click('form[aria-label="Chuyển cán bộ nghiệp vụ tra cứu"] button[type=submit]');
  await op.waitForSelector('.case-head .st-waiting_lookup', { timeout: WAIT });

  const page = await newPage('officer3', { timezoneId: 'Europe/London' }); // times must stay in Hồ Chí Minh City
  await login(page, 'cbnv01');
  await waitLive(page);
  const item = `#lookup-pool .lookup-item[data-case-id="${binhCase}"]`;
  await page.click(item);
  // Before the claim, no look-up form.
  await page.waitForSelector('#btn-claim');
  assert.equal(await page.$('#registry-panel'), null);
  assert.match(await page.textContent('#lookup-detail .registry'), /Nhận xử lý yêu cầu để tra cứu/);
  await page.click('#btn-claim');
  await page.waitForSelector('#registry-panel form', { timeout: WAIT });
  await page.waitForSelector('#btn-answer', { timeout: WAIT });

  const panel = '#registry-panel';
  const reason = `${panel} [data-field="reason"]`;
  assert.equal(await page.inputValue(reason), 'Công dân chờ kết quả duyệt hồ sơ');
  assert.equal(await page.inputValue(`${panel} [data-field="citizen_id"]`), BINH.id);

  // No reason, no look-up: the server's message under the reason.
  await page.fill(reason, '  ');
  await page.click('#btn-registry');
  const reasonMsg = '#' + (await page.getAttribute(reason, 'id')) + '-msg';
  await page.waitForFunction((m) => document.querySelector(m).classList.contains('error'), reasonMsg, { timeout: WAIT });
  assert.match(await page.textContent(reasonMsg), /lý do tra cứu/i);
  await page.fill(reason, 'Công dân hỏi tiến độ hồ sơ cấp đổi thẻ');

  // By the case's ID number: the whole record.
  await page.click('#btn-registry');
  await page.waitForSelector('#registry-record', { timeout: WAIT });
  assert.ok((await page.textContent('#registry-record')).includes(BINH.id));

  // By name (no accents) and birth date: candidates with masked IDs, opened one by one.
  await page.check(`${panel} [data-reg-mode="name"]`);
  await page.fill(`${panel} [data-field="full_name"]`, 'nguyen van binh');
  await page.fill(`${panel} [data-field="birth_date"]`, BINH.birth);
  await page.click('#btn-registry');
  await page.waitForSelector('#registry-candidates li', { timeout: WAIT });
  const list = await page.textContent('#registry-candidates');
  assert.ok(list.includes(BINH.name));
  assert.ok(list.includes(BINH.masked), 'the list shows masked IDs');
  assert.ok(!list.includes(BINH.id), 'the list never shows a whole ID');
  assert.match(list, /14\/03\/1985/);
  assert.equal(await page.$('#registry-record'), null);
  await page.click(`#registry-candidates li[data-masked="${BINH.masked}"] button`);
  await page.waitForSelector('#registry-record', { timeout: WAIT });
  const rec = await page.textContent('#registry-record');
  for (const s of [BINH.name, BINH.id, '14/03/1985', 'Đã tiếp nhận hồ sơ, đang chờ xét duyệt', 'Chưa có thẻ nào được cấp']) {
    assert.ok(rec.includes(s), `the record shows ${s}`);
  }
  // The stage timeline: the demo application was received at 09:00 local time.
  assert.match(await page.textContent('#registry-record .reg-stages .rs-when'), /^\d{2}\/\d{2}\/\d{4} 09:00$/);

  // A Vietnamese status text into the answer, ready for the operator.
  await page.click('#btn-registry-paste');
  const answer = await page.inputValue('#lookup-detail [data-field="answer"]');
  assert.match(answer, /Đã tiếp nhận hồ sơ, đang chờ xét duyệt/);
  assert.match(answer, /Hạn trả kết quả: \d{2}\/\d{2}\/\d{4}/);
  assert.deepEqual(await unlabelled(page), []);
  await page.$eval('#registry-panel .reg-results', (el) => el.scrollIntoView({ block: 'start' }));
  await shot(page, 'officer-registry');

  // The third look-up in the hour raised the supervisors' alert, live.
  const sup = pages.supervisor;
  await sup.waitForSelector('#wb-alerts li[data-login="cbnv01"]', { timeout: WAIT });
  assert.match(await sup.textContent('#wb-alerts'), /Trung tá Nguyễn Văn An \(cbnv01\): 3 lượt tra cứu/);
  assert.ok(await sameDocument(sup), 'the wallboard reloaded');

  // Too many in a minute: the server's refusal and how long to wait.
  let refused = false;
  for (let i = 0; i < 4 && !refused; i++) {
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/registry/search')),
      page.click('#btn-registry'),
    ]);
    refused = res.status() === 429;
  }
  assert.ok(refused, 'the per-minute limit was never reached');
  await page.waitForSelector(`${panel} .form-alert:not([hidden])`);
  const wait = await page.textContent(`${panel} .form-alert`);
  t.diagnostic(wait);
  assert.match(wait, /Có thể tra cứu lại sau \d+ giây/);
  assert.ok(await page.isDisabled('#btn-registry'));

  // The answer goes back to the operator.
  await page.click('#btn-answer');
  await page.waitForSelector(item, { state: 'detached', timeout: WAIT });
  await op.waitForSelector('.case-view .lookup-answer', { timeout: WAIT });
  assert.match(await op.textContent('.case-view .lookup-answer'), /Đã tiếp nhận hồ sơ/);
});

// ---- the hotline: a real call from SIPp to an operator's desk phone ---------------------------------
const CALLER = '0912345678';
let hotlineCase;

step('the hotline: the phone registers live, the call pops on the desk, connects and opens its case', async (t) => {
  const op = pages.operator1; // tdv01
  const sup = pages.supervisor;
  // The hotline in business hours whatever the real clock says.
  const admin = await apiSession('quantri');
  const cal = await admin('GET', '/api/v1/settings/calendar');
  cal.week = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]]));
  cal.days_off = [];
  cal.make_up_workdays = [];
  await admin('PUT', '/api/v1/settings/calendar', cal);

  // The officer's desk has the same switch and phone light, not registered yet.
  await pages.officer1.waitForSelector('#phone-indicator[data-registered="false"]', { timeout: WAIT });
  assert.ok(await pages.officer1.$('#my-state'));
  // tdv05 (ready since the morning, no phone) takes a break: the call is for tdv01.
  await pages.operator.click('#btn-break');
  await pages.operator.waitForSelector('#my-state .ag-not_ready', { timeout: WAIT });

  // The desk phone registers: the light changes without a reload.
  await markDocument(op);
  await op.waitForSelector('#phone-indicator[data-registered="false"]', { timeout: WAIT });
  assert.equal((await op.textContent('#phone-indicator')).replace(/\s+/g, ' ').trim(), '☎ Điện thoại: chưa đăng ký');
  // The desk phone rings 3 s before it answers: long enough to see the pop.
  const deskPhone = await registerPhone('tdv01', 3000);
  await op.waitForSelector('#phone-indicator[data-registered="true"]', { timeout: WAIT });
  assert.equal((await op.textContent('#phone-indicator')).replace(/\s+/g, ' ').trim(), '☎ Điện thoại: đã đăng ký');
  await op.click('#btn-ready');
  await op.waitForSelector('#my-state .ag-ready', { timeout: WAIT });
  await sup.waitForSelector('#wb-agents tr[data-agent="tdv01"] td[data-phone="on"]', { timeout: WAIT });

  // Every screen pop is recorded the moment it is drawn (with the form as it is then),
  // so what it showed is checked however short the ringing was.
  await op.evaluate(() => {
    window.__pops = [];
    new MutationObserver(() => {
      const pop = document.querySelector('#call-pop');
      if (!pop || pop.dataset.seen) return;
      pop.dataset.seen = '1';
      window.__pops.push({
        role: pop.getAttribute('role'), text: pop.textContent,
        caller: pop.querySelector('[data-caller]')?.dataset.caller, ivr: pop.querySelector('[data-ivr]')?.dataset.ivr,
        earlier: [...pop.querySelectorAll('.call-earlier button[data-case-id]')].map((b) => Number(b.dataset.caseId)),
        formPhone: document.querySelector('.case-form [data-field="contact.phone"]').value,
      });
    }).observe(document.body, { childList: true, subtree: true });
  });

  // A citizen calls, presses 1 (thẻ căn cước) then 1 (cấp, đổi thẻ), and talks for 14 s.
  const t0 = Date.now();
  const caller = await callHotline({ caller: CALLER, keys: '11', talkMs: 14000 });
  await op.waitForFunction(() => window.__pops.length > 0, null, { timeout: 30000 });
  t.diagnostic(`the screen pop was on tdv01's desk ${Date.now() - t0} ms after the call started`);
  const [pop] = await op.evaluate(() => window.__pops);
  assert.equal(pop.role, 'alert');
  assert.equal(pop.caller, CALLER);
  assert.equal(pop.ivr, '1>1');
  assert.match(pop.text, /Cuộc gọi đến/);
  assert.match(pop.text, /Lựa chọn IVR/);
  assert.ok(pop.earlier.length >= 1, `the caller's earlier cases: ${pop.text}`);
  assert.equal(pop.formPhone, CALLER, 'the new-case form is prefilled with the caller');
  if (await op.$('#call-pop')) await shot(op, 'operator-call');
  else t.diagnostic('the phone answered before the screenshot: operator-call.png not rewritten');

  // The phone answers: connected, with a running clock and the case the server opened.
  await op.waitForSelector('#call-connected', { timeout: 20000 });
  await op.waitForSelector('#call-case[data-case-id]', { timeout: WAIT });
  hotlineCase = Number(await op.getAttribute('#call-case', 'data-case-id'));
  assert.ok(hotlineCase > 0);
  await op.waitForFunction((id) => { const tab = document.querySelector('#tab-case'); return !tab.hidden && tab.textContent.includes(`#${id}`); },
    hotlineCase, { timeout: WAIT });
  assert.match(await op.textContent('.case-view .facts'), /\+84912345678/);
  assert.match(await op.textContent('#call-connected'), /Đang gọi/);
  assert.equal(await op.inputValue('.case-form [data-field="contact.phone"]'), '', 'the pop took back its prefill');
  await op.waitForSelector('#caller-history .case-item', { timeout: WAIT });
  await op.waitForFunction(() => /^\d+:\d\d$/.test(document.querySelector('#call-timer')?.textContent || '')
    && document.querySelector('#call-timer').textContent !== '0:00', null, { timeout: WAIT });

  // Hold, then back to the caller.
  await op.click('#btn-hold');
  await op.waitForSelector('#btn-hold[aria-pressed="true"]', { timeout: WAIT });
  assert.equal((await op.textContent('#btn-hold')).trim(), 'Tiếp tục');
  await op.click('#btn-hold');
  await op.waitForSelector('#btn-hold[aria-pressed="false"]', { timeout: WAIT });
  assert.equal((await op.textContent('#btn-hold')).trim(), 'Giữ máy');

  // A transfer to one's own extension: the server's refusal, under the field.
  await op.click('#btn-transfer');
  await op.check('#transfer-kind-ext');
  await op.fill('#transfer-ext', 'tdv01');
  assert.deepEqual(await unlabelled(op), []);
  await op.click('#btn-transfer-go');
  await op.waitForFunction(() => document.querySelector('#transfer-ext-msg')?.classList.contains('error'), null, { timeout: WAIT });
  assert.match(await op.textContent('#transfer-ext-msg'), /không hợp lệ/);
  assert.ok(await op.$('#call-connected'), 'the call stays with the operator');

  // The caller hangs up: the panel goes back to idle, after-call work, then ready.
  const r = await caller.done;
  assert.equal(r.code, 0, `the caller's SIPp failed: ${r.log}`);
  await op.waitForSelector('#call-idle', { timeout: WAIT });
  await op.waitForSelector('#my-state .ag-wrap_up', { timeout: WAIT });
  await op.click('#btn-wrap');
  await op.waitForSelector('#my-state .ag-ready', { timeout: WAIT });
  const p = await deskPhone.done;
  assert.equal(p.code, 0, `the desk phone's SIPp failed: ${p.log}`);
  // The case lists its call; an operator gets no recording player.
  await op.waitForSelector('.case-view .case-calls li[data-call-id][data-disposition="answered"]', { timeout: WAIT });
  assert.match(await op.textContent('.case-view .case-calls'), /tdv01/);
  assert.equal(await op.$('audio'), null);
  assert.ok(await sameDocument(op), 'the operator page reloaded');
});

step('the supervisor sees the call in the recent calls, with its recording', async () => {
  const sup = pages.supervisor;
  const row = `#wb-calls tr[data-case-id="${hotlineCase}"]`;
  await sup.waitForSelector(`${row}[data-disposition="answered"]`, { timeout: WAIT });
  const text = await sup.textContent(row);
  assert.match(text, /Đã nghe máy/);
  assert.match(text, /tdv01/);
  assert.match(text, new RegExp(`#${hotlineCase}`));
  assert.ok(text.includes(CALLER.slice(-3)), text);
  assert.equal(await sup.getAttribute(`${row} [data-ivr]`, 'data-ivr'), '1>1');
  const src = await sup.getAttribute(`${row} audio`, 'src');
  assert.match(src, /^\/api\/v1\/calls\/\d+\/recording$/);
  assert.equal(await sup.getAttribute(`${row} audio`, 'preload'), 'none');
  assert.match(await sup.textContent('#wb-calls + .rec-hint'), /ghi nhật ký/);
  const got = await sup.evaluate(async (u) => {
    const res = await fetch(u);
    const body = new Uint8Array(await res.arrayBuffer());
    return { status: res.status, type: res.headers.get('content-type'), riff: String.fromCharCode(...body.slice(0, 4)), size: body.length };
  }, src);
  assert.deepEqual([got.status, got.type, got.riff], [200, 'audio/wav', 'RIFF']);
  assert.ok(got.size > 8000, `a recording of ${got.size} bytes`);
  assert.ok(await sameDocument(sup), 'the wallboard reloaded');
  assert.deepEqual(await unlabelled(sup), []);
});

// ---- the officers' pool and callbacks --------------------------------------------------------------
step('an operator\'s transfer to a busy extension comes back; to the officers\' pool, the officer\'s desk pops it with the case', async () => {
  const op = pages.operator; // tdv05, on a break since the hotline call
  const off = pages.officer1; // cbnv02
  const sup = pages.supervisor;
  // tdv01 takes a break: the call is for tdv05.
  await pages.operator1.click('#btn-break');
  await pages.operator1.waitForSelector('#my-state .ag-not_ready', { timeout: WAIT });
  const officerPhone = await registerPhone('cbnv02', 3000);
  await off.waitForSelector('#phone-indicator[data-registered="true"]', { timeout: WAIT });
  await off.click('#btn-ready');
  await off.waitForSelector('#my-state .ag-ready', { timeout: WAIT });
  const opPhone = await registerPhone('tdv05', 200);
  await op.waitForSelector('#phone-indicator[data-registered="true"]', { timeout: WAIT });
  // tdv16's phone is registered but busy: a blind transfer to it fails at once.
  const busyPhone = await registerBusyPhone('tdv16');
  await op.click('#btn-ready');
  await op.waitForSelector('#my-state .ag-ready', { timeout: WAIT });

  const caller = await callHotline({ caller: '0912000444', keys: '0', talkMs: 24000 });
  await op.waitForSelector('#call-connected #call-case[data-case-id]', { timeout: 30000 });
  const caseId = Number(await op.getAttribute('#call-case', 'data-case-id'));

  // To tdv16: it does not answer, the caller is back with tdv05, who is told so.
  await op.click('#btn-transfer');
  await op.check('#transfer-kind-ext');
  await op.fill('#transfer-ext', 'tdv16');
  await op.click('#btn-transfer-go');
  await op.waitForSelector('#call-connected #call-notice:not([hidden])', { timeout: WAIT });
  assert.equal((await op.textContent('#call-notice')).trim(), 'tdv16 không nghe máy, cuộc gọi đã quay lại với bạn');
  assert.equal(await op.getAttribute('#call-notice', 'role'), 'alert');
  assert.equal(await op.getAttribute('#call-connected', 'data-phase'), 'connected');
  const busy = await busyPhone.done;
  assert.equal(busy.code, 0, `the busy phone's SIPp failed: ${busy.log}`);

  // To the officers' pool: tdv05 is free at once (after-call work).
  await op.click('#btn-transfer');
  await op.check('#transfer-officers');
  await op.click('#btn-transfer-go');
  await op.waitForSelector('#call-idle', { timeout: WAIT });
  await op.waitForSelector('#my-state .ag-wrap_up', { timeout: WAIT });
  await off.waitForSelector('#call-pop', { timeout: 20000 });
  assert.equal(await off.getAttribute('#call-pop .call-from', 'data-from'), 'tdv05');
  assert.equal(Number(await off.getAttribute('#call-pop #call-case', 'data-case-id')), caseId);
  await shot(off, 'officer-call');
  await off.waitForSelector('#call-connected', { timeout: 20000 });
  await off.waitForFunction((id) => { const b = document.querySelector('#officer-case'); return b && !b.hidden && b.querySelector('.case-view h2')?.textContent.includes(`#${id}`); }, caseId, { timeout: WAIT });
  assert.match(await off.textContent('#call-connected'), /Chuyển từ tdv05/);
  assert.equal(await off.$('#officer-case #btn-escalate'), null, 'officers do not escalate');
  await off.click('#btn-hold');
  await off.waitForSelector('#btn-hold[aria-pressed="true"]', { timeout: WAIT });
  await off.click('#btn-hold');
  await off.waitForSelector('#btn-hold[aria-pressed="false"]', { timeout: WAIT });
  assert.deepEqual(await unlabelled(off), []);

  // The caller hangs up: call.ended brings both desks and the wallboard up to date.
  const r = await caller.done;
  assert.equal(r.code, 0, `the caller's SIPp failed: ${r.log}`);
  await off.waitForSelector('#call-idle', { timeout: WAIT });
  for (const ph of [officerPhone, opPhone]) { const x = await ph.done; assert.equal(x.code, 0, `a desk phone's SIPp failed: ${x.log}`); }
  await off.waitForSelector('#officer-case .case-calls li[data-call-id][data-disposition="answered"]', { timeout: WAIT });
  assert.match(await off.textContent('#officer-case .case-calls'), /chuyển cho cbnv02/);
  await op.waitForSelector('.case-view .case-calls li[data-call-id][data-disposition="answered"]', { timeout: WAIT });
  await sup.waitForSelector(`#wb-calls tr[data-case-id="${caseId}"][data-disposition="answered"]`, { timeout: WAIT });
  assert.match(await sup.textContent(`#wb-calls tr[data-case-id="${caseId}"]`), /tdv05 → cbnv02/);
});

step('callbacks: two callers press 1 in the queue; one operator declines one and calls the other back, a colleague takes the first', async (t) => {
  const op = pages.operator; // tdv05, in after-call work
  const op1 = pages.operator1; // tdv01, on a break
  const off = pages.officer1; // cbnv02, in after-call work
  const sup = pages.supervisor;
  // Nobody ready: the callers wait in the queue.
  for (const p of [op, off]) {
    await p.click('#btn-break');
    await p.waitForSelector('#my-state .ag-not_ready', { timeout: WAIT });
  }
  const supApi = await apiSession('giamsat');
  const free = (await supApi('GET', '/api/v1/acd/agents')).items.filter((a) => ['ready', 'reserved', 'wrap_up'].includes(a.state));
  assert.deepEqual(free.map((a) => a.agent), [], 'an agent could take the callers');

  // Both press 0 (a call-taker), wait 3 s in the queue, press 1 (call me back); tongdai confirms and hangs up.
  const numbers = ['0912000654', '0912000655'];
  const callers = await Promise.all(numbers.map((n) => callHotline({ caller: n, keys: '0', pauseMs: 3000, thenKeys: '1', waitForBye: true })));
  for (const c of callers) { const x = await c.done; assert.equal(x.code, 0, `a caller's SIPp failed: ${x.log}`); }
  // Their calls end as "Hẹn gọi lại" on the wallboard, each with its callback case.
  const rows = `#wb-calls tr[data-disposition="callback"]`;
  await sup.waitForFunction((sel) => document.querySelectorAll(sel).length >= 2, rows, { timeout: WAIT });
  const booked = await sup.$$eval(rows, (trs) => trs.map((tr) => ({ text: tr.textContent, caller: tr.cells[1].textContent, caseId: Number(tr.dataset.caseId) })));
  const caseOf = Object.fromEntries(numbers.map((n) => [n, booked.find((b) => b.caller.endsWith(n.slice(-3)))?.caseId]));
  for (const n of numbers) assert.ok(caseOf[n] > 0, `no callback case for ${n}: ${JSON.stringify(booked)}`);
  assert.match(booked[0].text, /Hẹn gọi lại/);

  // tdv05 gets ready: the first callback pops.
  await op.click('#btn-ready');
  await op.waitForSelector('#callback-pop [data-number]', { timeout: WAIT });
  const first = await op.getAttribute('#callback-pop [data-number]', 'data-number');
  assert.ok(numbers.includes(first), first);
  const second = numbers.find((n) => n !== first);
  assert.equal(await op.getAttribute('#callback-pop', 'role'), 'alert');
  const pop = await op.textContent('#callback-pop');
  assert.match(pop, /Yêu cầu gọi lại/);
  assert.match(pop, /Yêu cầu lúc\s*\d{2}:\d{2}/);
  assert.equal(Number(await op.getAttribute('#callback-pop #callback-case', 'data-case-id')), caseOf[first]);
  assert.equal((await op.textContent('#btn-callback-accept')).trim(), 'Nhận gọi lại');
  await op.waitForSelector('#my-state .ag-reserved', { timeout: WAIT });

  // Declined: the engine offers tdv05 the other one at once.
  await op.click('#btn-callback-decline');
  await op.waitForSelector(`#callback-pop [data-number="${second}"]`, { timeout: WAIT });

  // Accepted: busy, the number large, the case opened and now tdv05's.
  await op.click('#btn-callback-accept');
  await op.waitForSelector(`#callback-accepted .callback-number [data-number="${second}"]`, { timeout: WAIT });
  await op.waitForSelector('#my-state .ag-busy', { timeout: WAIT });
  assert.equal(await op.$('#callback-pop'), null);
  assert.match(await op.textContent('#callback-accepted'), /Hãy gọi lại số này bằng điện thoại bàn của bạn/);
  await op.waitForFunction((id) => { const tab = document.querySelector('#tab-case'); return !tab.hidden && tab.getAttribute('aria-selected') === 'true' && tab.textContent.includes(`#${id}`); },
    caseOf[second], { timeout: WAIT });
  assert.ok((await op.textContent('.case-view .facts')).includes(second.slice(1)), 'the case has the number to call');
  await op.waitForSelector(`#my-queue [data-case-id="${caseOf[second]}"]`, { timeout: WAIT });
  assert.deepEqual(await unlabelled(op), []);
  await shot(op, 'operator-callback');

  // Called back: after-call work, the panel idle again.
  await op.click('#btn-callback-done');
  await op.waitForSelector('#my-state .ag-wrap_up', { timeout: WAIT });
  await op.waitForSelector('#call-idle #call-note', { timeout: WAIT });
  assert.match(await op.textContent('#call-note'), new RegExp(`Đã gọi lại số ${second}`));
  assert.equal(await op.$('#callback-accepted'), null);

  // The declined one goes to the next agent who gets ready.
  await op1.click('#btn-ready');
  await op1.waitForSelector(`#callback-pop [data-number="${first}"]`, { timeout: WAIT });
  await op1.click('#btn-callback-accept');
  await op1.waitForSelector('#my-state .ag-busy', { timeout: WAIT });
  await op1.waitForFunction((id) => document.querySelector('#tab-case')?.textContent.includes(`#${id}`), caseOf[first], { timeout: WAIT });
  await op1.click('#btn-callback-done');
  await op1.waitForSelector('#my-state .ag-wrap_up', { timeout: WAIT });
  await op1.waitForSelector('#call-idle', { timeout: WAIT });
  t.diagnostic(`callbacks ${caseOf[first]} and ${caseOf[second]} called back`);
  await sup.waitForSelector('#wb-agents tr[data-agent="tdv01"] .ag-wrap_up', { timeout: WAIT });
});

step('the wallboard reconnects by itself after a server restart', async () => {
  const sup = pages.supervisor;
  await stopServer();
  await sup.waitForSelector('#live[data-state="reconnecting"]', { timeout: WAIT });
  await startServer();
  await sup.waitForSelector('#live[data-state="live"]', { timeout: 20000 });
  const n = await tileValue(sup, 'new');
  const op = await apiSession('tdv07');
  await op('POST', '/api/v1/cases', {
    channel: 'zalo', contact: { name: 'Lê Thị Hoa', zalo_id: 'zalo-123' }, category: 'vneid.mat_khau', description: 'Đổi số điện thoại VNeID',
  });
  await waitTile(sup, 'new', n + 1);
  assert.ok(await sameDocument(sup), 'the wallboard reloaded');
  for (const [name, p] of Object.entries(pages)) assert.deepEqual(p.errors, [], `script errors on the ${name} page`);
});
