/*
 * The ops page.  Every figure comes from the server's own routes:
 *   /api/health                  every 2 s: the verdict, Redis, Sheets
 *   /api/redis-connection-stats  every 2 s: the pool, per worker, Redis's count
 *   /api/ops/stats               every 2 s: health transitions, quota, group commit
 *   /metrics                     every 5 s: requests, errors, latency
 *   /api/dashboard/occupied      at start and on a stream reset; then
 *   /api/sse/stream              the live floor.
 * History lives here, in rings trimmed by age (15 minutes at most), so the
 * server keeps nothing per page and a page left open for a day stays the
 * same size.  With OPS_TOKEN set the guarded routes need
 * "Authorization: Bearer"; the token comes from /ops#token=... or the
 * form, and is kept in this tab's sessionStorage only.  The stream and
 * the floor's lists are not guarded, so EventSource needs no header.
 */
import { drawChart, niceMax } from '/ops/chart.js';

(function () {
	const POLL_MS = 2000;
	const METRICS_MS = 5000;
	const WINDOW_MS = 15 * 60 * 1000;
	const MINUTE_MS = 60 * 1000;
	const GC_WINDOW_MS = 5 * MINUTE_MS;
	const EVENTS_MAX = 50;
	const OCCUPIED_SHOWN = 200;
	const ALERT_RATIO = 0.8;
	const TOKEN_KEY = 'zeues-ops-token';
	const OCC_ROUTES = [
		['/api/occupation/tomar', 'TOMAR'],
		['/api/occupation/pausar', 'PAUSAR'],
		['/api/occupation/completar', 'COMPLETAR'],
		['/api/occupation/batch-tomar', 'batch-TOMAR'],
	];
	const VERDICT_TEXT = {
		healthy: 'operativo', degraded: 'degradado',
		unhealthy: 'sin Sheets', unreachable: 'sin respuesta',
		unknown: '…',
	};

	const $ = (id) => document.getElementById(id);
	let token = null;

	/* --- the token --- */

	function loadToken() {
		const m = /(?:^#|&)token=([^&]*)/.exec(location.hash);
		if (m) {
			token = decodeURIComponent(m[1]) || null;
			storeToken(token);
			/* Off the address bar, out of screenshots and history. */
			history.replaceState(null, '', location.pathname +
			    location.search);
			return;
		}
		try {
			token = sessionStorage.getItem(TOKEN_KEY);
		} catch (e) {
			token = null;
		}
	}

	function storeToken(t) {
		try {
			if (t)
				sessionStorage.setItem(TOKEN_KEY, t);
			else
				sessionStorage.removeItem(TOKEN_KEY);
		} catch (e) {
			/* Storage refused (private mode): this load only. */
		}
	}

	function showTokenForm() {
		const f = $('token-form');
		if (!f.hidden)
			return;
		f.hidden = false;
		$('token-input').focus();
	}

	/* --- fetching --- */

	class Unauthorized extends Error {}

	async function get(path, as) {
		const headers = {};
		if (token)
			headers.Authorization = 'Bearer ' + token;
		const r = await fetch(path, { headers: headers,
		    cache: 'no-store', credentials: 'omit' });
		if (r.status === 401) {
			showTokenForm();
			throw new Unauthorized(path);
		}
		if (!r.ok)
			throw new Error(path + ': HTTP ' + r.status);
		return as === 'text' ? r.text() : r.json();
	}

	/* --- rings trimmed by age --- */

	function trim(ring, now, age) {
		while (ring.length > 0 && ring[0].t < now - age)
			ring.shift();
	}

	/* The oldest sample within age of the newest, for a rate. */
	function since(ring, age) {
		if (ring.length < 2)
			return null;
		const last = ring[ring.length - 1];
		for (const s of ring) {
			if (s.t >= last.t - age - POLL_MS / 2)
				return s === last ? null : s;
		}
		return null;
	}

	/* A counter's growth; a restarted worker's counters start over. */
	function grew(a, b) {
		return b >= a ? b - a : b;
	}

	/* --- formatting --- */

	function clock(ms) {
		return new Date(ms).toLocaleTimeString('es-CL', {
			hour12: false });
	}

	/*
	 * An ISO 8601 instant (what the server sends) as the operator's
	 * local day and time; anything else as it came.
	 */
	function stamp(iso) {
		const t = Date.parse(iso || '');
		if (isNaN(t))
			return iso || '';
		return new Date(t).toLocaleString('es-CL', { day: '2-digit',
		    month: '2-digit', hour: '2-digit', minute: '2-digit',
		    second: '2-digit', hour12: false });
	}

	function ago(ms) {
		const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
		if (s < 60)
			return s + ' s';
		if (s < 3600)
			return Math.floor(s / 60) + ' min';
		return Math.floor(s / 3600) + ' h ' +
		    Math.floor((s % 3600) / 60) + ' min';
	}

	function msText(seconds) {
		if (seconds === null || !isFinite(seconds))
			return '–';
		const ms = seconds * 1000;
		return ms < 10 ? ms.toFixed(1) + ' ms' : Math.round(ms) + ' ms';
	}

	function setText(id, text) {
		const el = $(id);
		if (el.textContent !== String(text))
			el.textContent = text;
	}

	function el(tag, cls, text) {
		const e = document.createElement(tag);
		if (cls)
			e.className = cls;
		if (text !== undefined)
			e.textContent = text;
		return e;
	}

	function setState(node, state, text) {
		node.className = 'state ' + state;
		node.textContent = text;
	}

	/* --- drawing --- */

	/* --- health --- */

	const health = {
		verdict: 'unknown',
		seenSince: Date.now(),
		server: null,		/* transitions from /api/ops/stats */
		local: [],		/* verdicts this page saw change */
	};

	function noteVerdict(v) {
		const now = Date.now();
		if (v !== health.verdict) {
			health.verdict = v;
			health.seenSince = now;
			health.local.push({ at_ms: now, verdict: v });
		}
		while (health.local.length > 0 &&
		    health.local[0].at_ms < now - 60 * MINUTE_MS)
			health.local.shift();
	}

	function renderVerdict() {
		const v = health.verdict;
		const box = $('verdict');
		box.className = 'verdict ' + v;
		box.dataset.state = v;
		setText('verdict-text', VERDICT_TEXT[v] || v);
		let from = health.seenSince;
		const t = health.server;
		/* The server knows since when, even from before this page. */
		if (t && t.length > 0 && t[t.length - 1].verdict === v &&
		    t[t.length - 1].at_ms < from)
			from = t[t.length - 1].at_ms;
		setText('verdict-since', v === 'unknown' ? '' : 'desde ' +
		    clock(from) + ' (' + ago(from) + ')');
	}

	function renderTransitions() {
		const list = $('h-transitions');
		const rows = health.server !== null ? health.server :
		    health.local;
		list.replaceChildren();
		for (let i = rows.length - 1; i >= 0; i--) {
			const r = rows[i];
			const li = el('li');
			li.append(el('time', '', clock(r.at_ms)),
			    el('span', r.verdict, VERDICT_TEXT[r.verdict] ||
			    r.verdict));
			if (r.redis_ok !== undefined) {
				const down = [];
				if (!r.redis_ok)
					down.push('Redis');
				if (!r.sheets_ok)
					down.push('Sheets');
				if (!r.read_cache_ok)
					down.push('caché');
				li.append(el('span', 'dim', down.length ?
				    'caído: ' + down.join(', ') : 'todo arriba'));
			}
			list.append(li);
		}
		if (rows.length === 0)
			list.append(el('li', 'dim', 'sin cambios'));
	}

	function renderHealth(h) {
		const redisOk = h.redis_connection === 'ok';
		const sheetsOk = h.sheets_connection === 'ok';
		const d = h.details || {};
		const cacheOk = !d.read_cache_error;
		setState($('h-redis'), redisOk ? 'ok' : 'bad', redisOk ? 'OK' :
		    'CAÍDO');
		setState($('h-sheets'), sheetsOk ? 'ok' : 'bad', sheetsOk ?
		    'OK' : 'CAÍDO');
		setState($('h-cache'), cacheOk ? 'ok' : 'warn', cacheOk ? 'OK' :
		    'SIN REFRESCAR');
		const errs = [];
		if (d.redis_error)
			errs.push('Redis: ' + d.redis_error);
		if (d.sheets_error)
			errs.push('Sheets: ' + d.sheets_error);
		if (d.read_cache_error)
			errs.push('Caché: ' + d.read_cache_error);
		setText('h-error', errs.join(' · '));
		$('health').dataset.state = !redisOk || !sheetsOk ? 'bad' :
		    !cacheOk ? 'warn' : 'ok';
		noteVerdict(h.status);
	}

	function renderUnreachable() {
		for (const id of ['h-redis', 'h-sheets', 'h-cache'])
			setState($(id), 'unknown', '?');
		setText('h-error', 'El servidor no responde.');
		$('health').dataset.state = 'bad';
		noteVerdict('unreachable');
	}

	/* --- the Redis pool --- */

	const pool = [];	/* {t, open, active, waiting, redis, budget, w} */
	let poolLatest = null;

	function notePool(s, now) {
		const w = {};
		for (const p of s.per_worker || []) {
			w[p.worker] = { open: p.open_connections,
			    active: p.active_connections,
			    waiting: p.waiting_requests,
			    max: p.max_connections, sse: p.sse_clients,
			    up: p.redis_up, live: p.subscription_live };
		}
		const rs = s.redis_server || {};
		poolLatest = { t: now, open: s.open_connections,
		    active: s.active_connections, waiting: s.waiting_requests,
		    redis: rs.clients_of_this_service === undefined ? null :
		    rs.clients_of_this_service,
		    budget: s.max_connections, util: s.utilization_percent,
		    alert: s.alert, w: w };
		pool.push(poolLatest);
		trim(pool, now, WINDOW_MS);
	}

	function renderPool(now) {
		const p = poolLatest;
		if (p === null)
			return;
		const chart = $('pool-chart');
		/* What the chart's newest point says, for tests and tools. */
		chart.dataset.open = p.open;
		chart.dataset.active = p.active;
		chart.dataset.waiting = p.waiting;
		chart.dataset.redis = p.redis === null ? '' : p.redis;
		chart.dataset.budget = p.budget;
		setText('p-open', p.open);
		setText('p-budget', p.budget);
		setText('p-util', (+p.util).toFixed(0) + ' %');
		$('p-util').classList.toggle('big', true);
		$('p-util').classList.toggle('alert', p.alert !== null);
		setText('p-active', p.active);
		setText('p-waiting', p.waiting);
		$('p-waiting').classList.toggle('alert', p.waiting > 0);
		setText('p-redis', p.redis === null ? '?' : p.redis);
		$('p-redis').classList.toggle('alert', p.redis !== null &&
		    p.redis !== p.open);

		let top = p.budget;
		for (const s of pool)
			top = Math.max(top, s.open, s.waiting, s.redis || 0);
		drawChart(chart, {
			now: now, ymax: niceMax(top * 1.1), axis: true,
			lines: [
				{ v: p.budget * ALERT_RATIO, color: '#ff4d4f',
				    dash: [6, 4], label: '80 % (' +
				    +(p.budget * ALERT_RATIO).toFixed(1) + ')' },
				{ v: p.budget, color: '#8b98a8', dash: [2, 4],
				    label: 'presupuesto ' + p.budget },
			],
			series: [
				{ pts: pool.map((s) => [s.t, s.waiting]),
				    color: '#ff9f1c' },
				{ pts: pool.map((s) => [s.t, s.active]),
				    color: '#35d07f' },
				{ pts: pool.map((s) => [s.t, s.redis]),
				    color: '#e0e0e0', dash: [2, 3], width: 2 },
				{ pts: pool.map((s) => [s.t, s.open]),
				    color: '#4ea1ff', width: 3, dot: true },
			],
		});
		renderWorkers(now);
	}

	function renderWorkers(now) {
		const box = $('pool-workers');
		const ids = Object.keys(poolLatest.w).sort((a, b) => a - b);
		if (box.dataset.ids !== ids.join(',')) {
			box.replaceChildren();
			for (const id of ids) {
				const d = el('div', 'worker');
				d.id = 'worker-' + id;
				const h = el('h4');
				h.append(el('span', '', 'worker ' + id),
				    el('span', 'state unknown', '…'));
				d.append(h, el('canvas', 'chart'),
				    el('div', 'nums'));
				box.append(d);
			}
			box.dataset.ids = ids.join(',');
		}
		for (const id of ids) {
			const cur = poolLatest.w[id];
			const d = $('worker-' + id);
			const badge = d.querySelector('h4 .state');
			const up = cur.up && cur.live;
			setState(badge, up ? 'ok' : 'bad', up ? 'Redis OK' :
			    cur.up ? 'sin suscripción' : 'sin Redis');
			const nums = d.querySelector('.nums');
			nums.replaceChildren();
			const put = (label, v) => {
				nums.append(label + ' ', el('b', '', v), '  ');
			};
			put('abiertas', cur.open + '/' + cur.max);
			put('activas', cur.active);
			put('espera', cur.waiting);
			put('clientes en vivo', cur.sse);
			let top = cur.max;
			for (const s of pool) {
				if (s.w[id])
					top = Math.max(top, s.w[id].waiting);
			}
			const pts = (k) => pool.map((s) => [s.t,
			    s.w[id] ? s.w[id][k] : null]);
			drawChart(d.querySelector('canvas'), {
				now: now, ymax: niceMax(top), axis: false,
				lines: [],
				series: [
					{ pts: pts('waiting'), color: '#ff9f1c' },
					{ pts: pts('active'), color: '#35d07f' },
					{ pts: pts('open'), color: '#4ea1ff',
					    width: 2.5, dot: true },
				],
			});
		}
		let sse = 0;
		for (const id of ids)
			sse += poolLatest.w[id].sse || 0;
		setText('f-sse', sse);
	}

	/* --- /metrics: requests, errors, latency --- */

	const metrics = [];	/* {t, total, status: {}, lat: {route: [[le, n]]}} */
	const rates = [];	/* {t, v}: requests per second, 15 minutes */

	function parseMetrics(text, now) {
		const s = { t: now, total: 0, status: {}, lat: {} };
		const re = /^(zeues_http_requests_total|zeues_http_request_duration_seconds_bucket)\{([^}]*)\} ([0-9.e+]+)$/;
		for (const line of text.split('\n')) {
			const m = re.exec(line);
			if (!m)
				continue;
			const labels = {};
			for (const kv of m[2].matchAll(/(\w+)="([^"]*)"/g))
				labels[kv[1]] = kv[2];
			const v = Number(m[3]);
			if (m[1] === 'zeues_http_requests_total') {
				s.total += v;
				s.status[labels.status] =
				    (s.status[labels.status] || 0) + v;
			} else {
				(s.lat[labels.route] = s.lat[labels.route] ||
				    []).push([labels.le === '+Inf' ? Infinity :
				    Number(labels.le), v]);
			}
		}
		return s;
	}

	/* histogram_quantile over the growth of cumulative buckets. */
	function quantile(q, a, b) {
		if (!b)
			return { n: 0, v: null };
		const d = b.map(([le, n], i) => [le,
		    grew(a && a[i] ? a[i][1] : 0, n)]);
		const n = d.length ? d[d.length - 1][1] : 0;
		if (n === 0)
			return { n: 0, v: null };
		const want = q * n;
		let prevLe = 0, prevN = 0;
		for (const [le, c] of d) {
			if (c >= want) {
				if (le === Infinity)
					return { n: n, v: prevLe };
				return { n: n, v: prevLe + (le - prevLe) *
				    (c > prevN ? (want - prevN) / (c - prevN) :
				    0) };
			}
			prevLe = le;
			prevN = c;
		}
		return { n: n, v: prevLe };
	}

	function noteMetrics(s) {
		const prev = metrics[metrics.length - 1];
		metrics.push(s);
		trim(metrics, s.t, 2 * MINUTE_MS);
		if (prev) {
			const dt = (s.t - prev.t) / 1000;
			rates.push({ t: s.t,
			    v: dt > 0 ? grew(prev.total, s.total) / dt : 0 });
			trim(rates, s.t, WINDOW_MS);
		}
	}

	function renderRequests(now) {
		const last = metrics[metrics.length - 1];
		if (!last)
			return;
		const r = rates[rates.length - 1];
		setText('r-rate', r ? r.v.toFixed(1) : '–');
		const old = since(metrics, MINUTE_MS);
		const codes = $('r-codes');
		codes.replaceChildren();
		let errors = 0;
		if (old) {
			const mins = (last.t - old.t) / MINUTE_MS;
			const keys = Object.keys(last.status).filter(
			    (k) => k === 'other' || Number(k) >= 400).sort();
			for (const k of keys) {
				const n = grew(old.status[k] || 0, last.status[k]);
				if (n === 0)
					continue;
				errors += n;
				const tr = el('tr');
				tr.append(el('td', Number(k) >= 500 ? 'code-5xx' :
				    'code-4xx', k), el('td', 'num',
				    (n / mins).toFixed(1) + ' / min'));
				codes.append(tr);
			}
			setText('r-errors', (errors / mins).toFixed(1));
		}
		if (codes.children.length === 0) {
			const tr = el('tr');
			tr.append(el('td', 'dim', old ? 'ninguno' :
			    'midiendo…'));
			codes.append(tr);
		}
		const lat = $('r-latency');
		lat.replaceChildren();
		for (const [route, name] of OCC_ROUTES) {
			const p50 = quantile(0.5, old && old.lat[route],
			    last.lat[route]);
			const p99 = quantile(0.99, old && old.lat[route],
			    last.lat[route]);
			const tr = el('tr');
			tr.append(el('td', '', name), el('td', 'num', p50.n),
			    el('td', 'num', msText(p50.v)),
			    el('td', 'num', msText(p99.v)));
			lat.append(tr);
		}
		let top = 1;
		for (const x of rates)
			top = Math.max(top, x.v);
		drawChart($('rate-chart'), { now: now, ymax: niceMax(top),
		    axis: false, lines: [], series: [{ pts: rates.map((x) =>
		    [x.t, x.v]), color: '#4ea1ff', dot: true }] });
	}

	/* --- /api/ops/stats: quota and group commit --- */

	const opsStats = [];	/* {t, granted, waits, r429, gc} */

	function noteOpsStats(s, now) {
		health.server = s.health.transitions;
		opsStats.push({ t: now, sheets: s.sheets });
		trim(opsStats, now, GC_WINDOW_MS + MINUTE_MS);
	}

	function quotaBar(kind, used, quota) {
		const bar = $('q-' + kind + '-bar');
		const ratio = quota > 0 ? used / quota : 0;
		bar.style.width = Math.min(100, ratio * 100).toFixed(1) + '%';
		bar.className = ratio >= 0.9 ? 'bad' : ratio >= 0.75 ? 'warn' :
		    '';
		setText('q-' + kind, used + ' / ' + quota);
	}

	function renderSheets() {
		const last = opsStats[opsStats.length - 1];
		if (!last)
			return;
		const s = last.sheets;
		if (!s.configured) {
			setText('q-write', 'sin Sheets');
			setText('q-read', 'sin Sheets');
			return;
		}
		const m = since(opsStats, MINUTE_MS) || last;
		const g = (a, b, k) => grew(a[k], b[k]);
		quotaBar('write', g(m.sheets.quota_granted_total,
		    s.quota_granted_total, 'write'), s.writes_per_minute);
		quotaBar('read', g(m.sheets.quota_granted_total,
		    s.quota_granted_total, 'read'), s.reads_per_minute);
		setText('q-429', grew(m.sheets.rate_limited_total,
		    s.rate_limited_total) + ' (total ' + s.rate_limited_total +
		    ')');
		setText('q-waits', g(m.sheets.quota_waits_total,
		    s.quota_waits_total, 'write') + g(m.sheets.quota_waits_total,
		    s.quota_waits_total, 'read'));
		const f = since(opsStats, GC_WINDOW_MS) || last;
		const batches = g(f.sheets.group_commit, s.group_commit,
		    'batches_total');
		const changes = g(f.sheets.group_commit, s.group_commit,
		    'changes_total');
		setText('q-batches', batches);
		setText('q-batch-size', batches > 0 ?
		    (changes / batches).toFixed(1) : '–');
		setText('q-conflicts', s.group_commit.conflicts_total);
		renderRelay(s.relay);
	}

	/*
	 * The deployment's one committer (SHEETS_COMMIT_MODE=relay): this
	 * instance's worker holding the lease, or another instance's.
	 */
	function renderRelay(r) {
		if (!r || !r.enabled) {
			setText('q-committer', 'cada worker');
			setText('q-relay-lost', '–');
			return;
		}
		setText('q-committer', r.committer ? 'worker ' +
		    r.committer.worker + ' (aquí)' : 'otra instancia');
		$('q-committer').title = r.committer ? 'pid ' +
		    r.committer.pid : '';
		/* Climbing: the committer keeps losing its lease (Redis). */
		setText('q-relay-lost', r.lost_total);
	}

	/* --- the live floor --- */

	const occupied = new Map();	/* tag -> {worker, op, since, t} */
	const events = [];
	let floorLoaded = false;
	/* Events that arrive while the list is read are applied again after. */
	let pending = null;

	/* The dashboard has no operation column; the state text names it. */
	function opOf(text) {
		const m = /(ARM|SOLD|METROLOG[IÍ]A|REPARACI[OÓ]N)/i.exec(
		    text || '');
		return m ? m[1].toUpperCase() : '';
	}

	async function loadFloor() {
		let rows;
		pending = [];
		try {
			rows = await get('/api/dashboard/occupied');
		} finally {
			const again = pending;
			pending = null;
			if (rows !== undefined) {
				occupied.clear();
				for (const r of Array.isArray(rows) ? rows : [])
					occupied.set(r.tag_spool, {
					    worker: r.worker_nombre ||
					    r.Ocupado_Por || '',
					    op: opOf(r.estado_detalle),
					    since: stamp(r.fecha_ocupacion),
					    t: 0 });
				floorLoaded = true;
				for (const d of again)
					applyEvent(d, Date.now());
			}
			renderFloor();
		}
	}

	function onSpoolEvent(msg) {
		let d;
		try {
			d = JSON.parse(msg.data);
		} catch (e) {
			return;
		}
		const now = Date.now();
		if (pending !== null)
			pending.push(d);
		const e = applyEvent(d, now);
		events.unshift({ t: now, type: e.type, tag: d.tag_spool,
		    worker: e.worker, op: d.operacion || '' });
		events.length = Math.min(events.length, EVENTS_MAX);
		renderFloor();
	}

	function applyEvent(d, now) {
		const type = String(d.event_type || d.type || '');
		const worker = d.worker_nombre || d.worker ||
		    (d.worker_id ? '#' + d.worker_id : '');
		if (/TOMAR|INICIAR/.test(type) && !/CANCELAR/.test(type)) {
			occupied.delete(d.tag_spool);
			occupied.set(d.tag_spool, { worker: worker,
			    op: d.operacion || opOf(d.estado_detalle),
			    since: d.timestamp ? stamp(d.timestamp) :
			    clock(now), t: now });
		} else if (/PAUSAR|COMPLETAR|CANCELAR|FINALIZAR/.test(type)) {
			occupied.delete(d.tag_spool);
		}
		return { type: type, worker: worker };
	}

	function renderFloor() {
		setText('f-count', floorLoaded ? occupied.size : '–');
		const body = $('f-occupied');
		body.replaceChildren();
		/* Newest first: what just happened is what is looked for. */
		const rows = Array.from(occupied.entries()).reverse();
		for (const [tag, o] of rows.slice(0, OCCUPIED_SHOWN)) {
			const tr = el('tr');
			tr.dataset.tag = tag;
			tr.append(el('td', '', tag), el('td', '', o.worker),
			    el('td', '', o.op), el('td', 'dim', o.since));
			body.append(tr);
		}
		if (rows.length > OCCUPIED_SHOWN) {
			const tr = el('tr');
			const td = el('td', 'dim', '… y ' + (rows.length -
			    OCCUPIED_SHOWN) + ' más');
			td.colSpan = 4;
			tr.append(td);
			body.append(tr);
		}
		const list = $('f-events');
		list.replaceChildren();
		for (const e of events) {
			const li = el('li');
			li.append(el('time', '', clock(e.t)),
			    el('span', 'type', e.type), el('b', '', e.tag),
			    el('span', '', e.worker), el('span', 'dim', e.op));
			list.append(li);
		}
		if (events.length === 0)
			list.append(el('li', 'dim', 'esperando eventos…'));
	}

	function setStream(state, text) {
		const p = $('sse-state');
		p.className = 'pill ' + state;
		p.textContent = text;
		p.dataset.state = state;
	}

	function startStream() {
		const es = new EventSource('/api/sse/stream');
		es.addEventListener('open', () => {
			setStream('ok', 'en vivo');
		});
		es.addEventListener('error', () => {
			/* EventSource reconnects by itself, with Last-Event-ID. */
			setStream(es.readyState === EventSource.CLOSED ? 'bad' :
			    'warn', 'reconectando');
		});
		es.addEventListener('spool_update', onSpoolEvent);
		/* History too short to replay: the list is read again. */
		es.addEventListener('reset', () => {
			loadFloor().catch(() => {});
		});
	}

	/* --- the loops --- */

	let lastOk = 0;

	function renderUpdated() {
		const stale = Date.now() - lastOk > 3 * POLL_MS;
		setText('updated', lastOk === 0 ? 'sin datos' :
		    (stale ? 'sin datos desde ' : 'actualizado ') + clock(lastOk));
		$('updated').className = stale && lastOk !== 0 ? 'code-5xx' :
		    'dim';
	}

	async function poll() {
		const now = Date.now();
		const [h, s, o] = await Promise.allSettled([
			get('/api/health'),
			get('/api/redis-connection-stats'),
			get('/api/ops/stats'),
		]);
		if (h.status === 'fulfilled') {
			lastOk = now;
			renderHealth(h.value);
		} else if (!(h.reason instanceof Unauthorized)) {
			renderUnreachable();
		}
		if (s.status === 'fulfilled')
			notePool(s.value, now);
		if (o.status === 'fulfilled')
			noteOpsStats(o.value, now);
		renderVerdict();
		renderTransitions();
		renderPool(now);
		renderSheets();
		renderUpdated();
	}

	async function pollMetrics() {
		try {
			noteMetrics(parseMetrics(await get('/metrics', 'text'),
			    Date.now()));
			renderRequests(Date.now());
		} catch (e) {
			/* The next round tries again; health shows outages. */
		}
	}

	/* One round at a time: a slow server never stacks requests up. */
	function every(ms, fn) {
		const run = async () => {
			try {
				await fn();
			} finally {
				setTimeout(run, ms);
			}
		};
		run();
	}

	function start() {
		loadToken();
		$('token-form').addEventListener('submit', (ev) => {
			ev.preventDefault();
			token = $('token-input').value.trim() || null;
			storeToken(token);
			$('token-input').value = '';
			$('token-form').hidden = true;
			poll();
			pollMetrics();
		});
		$('token-button').addEventListener('click', () => {
			const f = $('token-form');
			f.hidden = !f.hidden;
		});
		window.addEventListener('resize', () => {
			renderPool(Date.now());
			renderRequests(Date.now());
		});
		renderFloor();
		setStream('unknown', 'conectando');
		loadFloor().catch(() => {
			setText('f-count', '?');
		});
		startStream();
		every(POLL_MS, poll);
		every(METRICS_MS, pollMetrics);
	}

	start();
}());
