/*
 * The ops page in headless Chromium, against a running server (started
 * by tests/integration/test_ops_page.c, which also stops and restarts
 * Redis when this script asks on stdout with "CONTROL <what>" and answers
 * "done" on stdin).  Prints "ok - ..." or "not ok - ..." per check and
 * exits 1 when any failed.
 *
 * Environment: ZEUES_BASE (http://127.0.0.1:PORT), OPS_TOKEN, CHROMIUM
 * (the browser), PLAYWRIGHT_CORE (the installed package's folder),
 * SHOT_DIR (where screenshots go), PROBE_MS (REDIS_HEALTH_CHECK_INTERVAL).
 */
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const base = process.env.ZEUES_BASE;
const token = process.env.OPS_TOKEN;
const shots = process.env.SHOT_DIR;
const probeMs = Number(process.env.PROBE_MS || 5000);
/* The pool reconnects with backoff capped at 5 s, then the next poll. */
const backMs = probeMs + 5000 + 2000;

const { chromium } = await import(pathToFileURL(join(
    process.env.PLAYWRIGHT_CORE, 'index.mjs')).href);

let failures = 0;
function check(ok, what, detail) {
	console.log((ok ? 'ok - ' : 'not ok - ') + what +
	    (detail ? ': ' + detail : ''));
	if (!ok)
		failures++;
	return ok;
}

/* The C side runs what needs the harness (Redis) and says "done". */
const stdin = createInterface({ input: process.stdin });
const answers = stdin[Symbol.asyncIterator]();
async function control(what) {
	console.log('CONTROL ' + what);
	const r = await answers.next();
	if (r.done || r.value.trim() !== 'done')
		throw new Error('control ' + what + ': ' + r.value);
}

async function api(method, path, body) {
	const r = await fetch(base + path, {
		method: method,
		headers: { Authorization: 'Bearer ' + token,
		    'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: r.status, json: await r.json() };
}

async function waitFor(page, fn, arg, timeout) {
	const t0 = Date.now();
	try {
		await page.waitForFunction(fn, arg, { timeout: timeout,
		    polling: 50 });
		return Date.now() - t0;
	} catch (e) {
		return -1;
	}
}

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM,
	/* As root (CI) Chromium refuses its sandbox. */
	args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
const consoleErrors = [];
let loaded = false;
let loadErrors = 0;
try {
	const context = await browser.newContext({
	    viewport: { width: 1400, height: 1000 } });
	const page = await context.newPage();
	/* A check that fails should fail fast: the whole run is < 1 min. */
	page.setDefaultTimeout(5000);
	page.on('console', (m) => {
		if (m.type() === 'error')
			consoleErrors.push(m.text());
	});
	page.on('pageerror', (e) => consoleErrors.push('pageerror: ' +
	    e.message));

	/* / redirects to /ops; the fragment carries the token along. */
	await page.goto(base + '/#token=' + encodeURIComponent(token));
	check(new URL(page.url()).pathname === '/ops', '/ redirects to /ops',
	    page.url().replace(/#.*/, ''));
	const tLoad = await waitFor(page, () => {
		const c = document.getElementById('pool-chart');
		return c.dataset.open !== undefined &&
		    document.getElementById('verdict').dataset.state ===
		    'healthy' &&
		    document.getElementById('sse-state').dataset.state ===
		    'ok' &&
		    document.getElementById('f-count').textContent !== '–' &&
		    document.getElementById('r-latency').children.length > 0;
	}, null, 15000);
	loaded = check(tLoad >= 0, 'page shows health, pool, floor and ' +
	    'requests', tLoad >= 0 ? tLoad + ' ms' : 'timed out');
	check(!page.url().includes('token'), 'the token leaves the address bar');
	check(await page.locator('#token-form').isHidden(),
	    'the token was taken from the fragment (no prompt)');
	loadErrors = consoleErrors.length;
	check(loadErrors === 0, 'no console error while loading',
	    consoleErrors.join(' | '));

	/* The chart's newest point against the route, sampled together. */
	let same = false, said = '';
	for (let i = 0; i < 10 && !same; i++) {
		const before = await page.locator('#pool-chart')
		    .getAttribute('data-open');
		const s = await api('GET', '/api/redis-connection-stats');
		const d = await page.locator('#pool-chart').evaluate((c) =>
		    ({ ...c.dataset }));
		const want = { open: String(s.json.open_connections),
		    active: String(s.json.active_connections),
		    waiting: String(s.json.waiting_requests),
		    redis: String(s.json.redis_server.clients_of_this_service),
		    budget: String(s.json.max_connections) };
		same = Object.keys(want).every((k) => d[k] === want[k]);
		said = JSON.stringify(d) + ' vs ' + JSON.stringify(want);
		if (!same || before !== d.open)
			await page.waitForTimeout(700);
	}
	check(same, "the pool chart's latest point equals " +
	    '/api/redis-connection-stats', said);

	/* A TOMAR from here; the live list must show it within 1 s. */
	const spools = await api('GET', '/api/spools/iniciar?operacion=ARM');
	const workers = await api('GET', '/api/workers');
	/* A v3 spool: a v4 one is taken with INICIAR. */
	const tag = spools.json.spools.find((s) => !(s.total_uniones > 0))
	    .tag_spool;
	const w = workers.json.workers.find((x) => x.roles.includes('Armador') ||
	    x.roles.includes('Ayudante'));
	const shown = (t) => document.querySelector(
	    '#f-occupied tr[data-tag="' + CSS.escape(t) + '"]') !== null;
	check(!(await page.evaluate(shown, tag)), 'the spool is not listed ' +
	    'before its TOMAR', tag);
	const sent = Date.now();
	const appear = page.waitForFunction(shown, tag, { timeout: 5000,
	    polling: 20 }).then(() => Date.now(), () => -1);
	const r = await api('POST', '/api/occupation/tomar', { tag_spool: tag,
	    worker_id: w.id, worker_nombre: w.nombre_completo,
	    operacion: 'ARM' });
	const answered = Date.now();
	const at = await appear;
	check(r.status === 200, 'TOMAR answered 200', String(r.status));
	check(at > 0 && at - answered <= 1000, 'the occupied list shows the ' +
	    'TOMAR within 1 s', at > 0 ? (at - answered) + ' ms after its ' +
	    'answer, ' + (at - sent) + ' ms after it was sent' : 'not shown');
	const row = await page.locator('#f-occupied tr[data-tag="' + tag +
	    '"]').innerText();
	check(row.includes(w.nombre_completo) && row.includes('ARM'),
	    'the row names the worker and the operation', row);
	check(await page.locator('#f-events li').first().innerText()
	    .then((t) => t.includes(tag)), 'the event heads the last 50');

	/* Pass the test's own TOMAR through a few polls for the picture. */
	await page.waitForTimeout(2500);
	await page.screenshot({ path: join(shots, 'ops-page.png'),
	    fullPage: true });

	/* One instance: the deployment's committer is one of its workers. */
	const st = await api('GET', '/api/ops/stats');
	const c = st.json.sheets.relay.committer;
	const named = await page.locator('#q-committer').innerText();
	check(c !== null && named === 'worker ' + c.worker + ' (aquí)',
	    'the Sheets panel names the committer /api/ops/stats names',
	    named + ' / ' + JSON.stringify(c));

	/* Redis stopped: red within the probe interval, green after. */
	await control('redis-stop');
	const down = await waitFor(page, () =>
	    document.getElementById('health').dataset.state === 'bad' &&
	    document.getElementById('h-redis').classList.contains('bad'),
	    null, probeMs);
	check(down >= 0, 'the health panel turns red within the probe ' +
	    'interval (' + probeMs + ' ms)', down >= 0 ? down + ' ms' :
	    'still not red');
	await page.screenshot({ path: join(shots, 'ops-page-redis-down.png'),
	    fullPage: false });
	await control('redis-start');
	const up = await waitFor(page, () =>
	    document.getElementById('health').dataset.state === 'ok' &&
	    document.getElementById('h-redis').classList.contains('ok'),
	    null, backMs);
	check(up >= 0, 'and back to green after the restart', up >= 0 ?
	    up + ' ms' : 'still not green after ' + backMs + ' ms');
	const tr = await page.locator('#h-transitions').innerText();
	check(/degradado/.test(tr) && /Redis/.test(tr), 'the outage is among ' +
	    'the transitions of the last hour', tr.replace(/\n/g, ' '));

	/* A phone: one column, nothing wider than the screen. */
	const phone = await browser.newContext({ viewport: { width: 390,
	    height: 844 }, deviceScaleFactor: 2, isMobile: true });
	const p2 = await phone.newPage();
	p2.on('console', (m) => {
		if (m.type() === 'error')
			consoleErrors.push('phone: ' + m.text());
	});
	await p2.goto(base + '/ops#token=' + encodeURIComponent(token));
	await waitFor(p2, () => document.getElementById('pool-chart')
	    .dataset.open !== undefined, null, 10000);
	const wide = await p2.evaluate(() =>
	    document.documentElement.scrollWidth);
	check(wide <= 390, 'readable on a phone: no sideways scrolling',
	    wide + ' px wide');
	await p2.screenshot({ path: join(shots, 'ops-page-phone.png') });
} catch (e) {
	check(false, 'the browser test ran to its end', e.stack);
} finally {
	await browser.close();
}
check(loaded && consoleErrors.length === loadErrors,
    'no console error during the whole run', consoleErrors.join(' | '));
stdin.close();
process.exit(failures === 0 ? 0 : 1);
