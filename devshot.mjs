import { chromium } from 'playwright-core';
const B = process.env.B || 'http://127.0.0.1:18090';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox','--disable-gpu'] });
async function as(login, name, fn) {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, timezoneId: 'Europe/Berlin' });
  const page = await ctx.newPage();
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log(name, 'console', m.type(), m.text()); });
  page.on('pageerror', (e) => console.log(name, 'pageerror', e.message));
  await page.goto(B + '/');
  if (login) {
    await page.fill('#login-name', login);
    await page.fill('#login-password', 'demo-tongdai-2026');
    await page.click('#login-submit');
    await page.waitForSelector('.desk');
  }
  if (fn) await fn(page);
  await page.waitForTimeout(1200);
  await page.screenshot({ path: `/tmp/shots/${name}.png` });
  await ctx.close();
}
const which = process.argv.slice(2);
if (!which.length || which.includes('login')) await as(null, 'login');
if (!which.length || which.includes('operator')) await as('tdv01', 'operator', async (p) => {
  await p.keyboard.press('Alt+n');
  await p.fill('[data-field="contact.name"]', 'Trần Văn Bình');
  await p.fill('[data-field="contact.phone"]', '0912 345 678');
  await p.fill('[data-field="citizen_id"]', '000085');
  await p.fill('[data-field="description"]', 'Công dân hỏi vì sao chưa nhận được thẻ căn cước');
});
if (!which.length || which.includes('opcase')) await as('tdv01', 'opcase', async (p) => {
  await p.click('#my-queue .case-item >> nth=0');
});
if (!which.length || which.includes('officer')) await as('cbnv01', 'officer', async (p) => {
  await p.click('#lookup-pool .lookup-item >> nth=0');
});
if (!which.length || which.includes('wallboard')) await as('giamsat', 'wallboard');
if (!which.length || which.includes('admin')) await as('quantri', 'admin');
await browser.close();
