/*
 * What open ops pages cost the server: PAGES pages (default 10) in headless
 * Chromium for SECONDS (default 300) against a running server, sampling
 * every 30 s Redis's own count of this service's connections, the pool's,
 * the live-board clients and the resident memory of the server's
 * processes (workers and parent, from /proc).  Not part of make test:
 *
 *   make run &   # or any server
 *   cd build/browser && node ../../tests/browser/measure_pages.mjs \
 *       http://127.0.0.1:8000 [PAGES] [SECONDS] [SHOT.png]
 *
 * OPS_TOKEN in the environment is handed to the pages and the stats
 * route; CHROMIUM names the browser (default /usr/bin/chromium).  With
 * ACTIVITY=1, a few tablets take and pause spools during the last two
 * minutes, so the screenshot (SHOT) shows a floor at work.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(process.cwd() + '/');
const { chromium } = require('playwright-core');

const base = process.argv[2] || 'http://127.0.0.1:8000';
const pages = Number(process.argv[3] || 10);
const seconds = Number(process.argv[4] || 300);
const shot = process.argv[5];
const token = process.env.OPS_TOKEN || '';

async function api(method, path, body) {
	const r = await fetch(base + path, { method: method,
	    headers: { Authorization: 'Bearer ' + token,
	    'Content-Type': 'application/json' },
	    body: body === undefined ? undefined : JSON.stringify(body) });
	return { status: r.status, json: await r.json().catch(() => null) };
}

function rssKiB(pid) {
	try {
		const m = /VmRSS:\s+(\d+)/.exec(readFileSync('/proc/' + pid +
		    '/status', 'utf8'));
		return m ? Number(m[1]) : 0;
	} catch (e) {
		return 0;
	}
}

function parentOf(pid) {
	const stat = readFileSync('/proc/' + pid + '/stat', 'utf8');
	return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

async function sample(t0) {
	const s = (await api('GET', '/api/redis-connection-stats')).json;
	const pids = s.per_worker.map((w) => w.pid);
	const all = [...pids, parentOf(pids[0])];
	return {
		t: Math.round((Date.now() - t0) / 1000),
		redis_service: s.redis_server.clients_of_this_service,
		redis_all: s.redis_server.connected_clients,
		pool_open: s.open_connections,
		sse: s.per_worker.reduce((a, w) => a + w.sse_clients, 0),
		rss_kib: all.reduce((a, p) => a + rssKiB(p), 0),
		rss_workers: pids.map(rssKiB),
	};
}

/* A few tablets: TOMAR then PAUSAR on spools of their own, over and over. */
async function activity(until) {
	const spools = (await api('GET', '/api/spools/iniciar?operacion=ARM'))
	    .json.spools.filter((s) => !(s.total_uniones > 0)).slice(0, 6);
	const workers = (await api('GET', '/api/workers')).json.workers
	    .filter((w) => w.roles.includes('Armador') ||
	    w.roles.includes('Ayudante')).slice(0, 6);
	const tablet = async (i) => {
		const s = spools[i], w = workers[i % workers.length];
		const body = { tag_spool: s.tag_spool, worker_id: w.id,
		    worker_nombre: w.nombre_completo, operacion: 'ARM' };
		while (Date.now() < until) {
			await api('POST', '/api/occupation/tomar', body);
			await new Promise((r) => setTimeout(r, 4000 + 3000 * Math.random()));
			if (Date.now() < until - 20000)
				await api('POST', '/api/occupation/pausar', body);
			/* A wrong request now and then, for the error panel. */
			await api('GET', '/api/occupation/status/%00');
			await new Promise((r) => setTimeout(r, 2000));
		}
	};
	await Promise.all(spools.map((s, i) => tablet(i)));
}

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
const opened = [];
const errors = [];
for (let i = 0; i < pages; i++) {
	const ctx = await browser.newContext({
	    viewport: { width: 1400, height: 1000 } });
	const p = await ctx.newPage();
	p.on('console', (m) => {
		if (m.type() === 'error')
			errors.push(m.text());
	});
	await p.goto(base + '/ops' + (token ? '#token=' +
	    encodeURIComponent(token) : ''));
	opened.push(p);
}
await new Promise((r) => setTimeout(r, 10000));
const t0 = Date.now();
const samples = [await sample(t0)];
const heap0 = pages === 0 ? 0 : await opened[0].evaluate(() => performance.memory ?
    performance.memory.usedJSHeapSize : 0);
const busy = process.env.ACTIVITY === '1' ? new Promise((r) => setTimeout(r,
    Math.max(0, seconds * 1000 - 120000))).then(() =>
    activity(t0 + seconds * 1000 - 5000)) : Promise.resolve();
while (Date.now() - t0 < seconds * 1000) {
	await new Promise((r) => setTimeout(r, Math.min(30000,
	    t0 + seconds * 1000 - Date.now())));
	samples.push(await sample(t0));
}
await busy;
const heap1 = pages === 0 ? 0 : await opened[0].evaluate(() => performance.memory ?
    performance.memory.usedJSHeapSize : 0);
if (shot && pages > 0)
	await opened[0].screenshot({ path: shot, fullPage: true });
await browser.close();

console.log('t_s\tredis_service\tredis_all\tpool_open\tsse\trss_kib\tworkers_kib');
for (const s of samples)
	console.log([s.t, s.redis_service, s.redis_all, s.pool_open, s.sse,
	    s.rss_kib, s.rss_workers.join('+')].join('\t'));
const a = samples[0], b = samples[samples.length - 1];
console.log('pages ' + pages + ', ' + seconds + ' s: Redis connections of ' +
    'the service ' + a.redis_service + ' -> ' + b.redis_service +
    ', server RSS ' + a.rss_kib + ' -> ' + b.rss_kib + ' KiB (' +
    (b.rss_kib - a.rss_kib >= 0 ? '+' : '') + (b.rss_kib - a.rss_kib) +
    '), one page\'s JS heap ' + Math.round(heap0 / 1024) + ' -> ' +
    Math.round(heap1 / 1024) + ' KiB, console errors ' + errors.length);
