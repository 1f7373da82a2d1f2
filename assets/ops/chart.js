/*
 * The ops page's charts, drawn on a canvas (no library: the page must
 * load with no internet): time series over the last 15 minutes, with
 * horizontal reference lines such as the 80 % alert.
 */
const WINDOW_MS = 15 * 60 * 1000;
const MINUTE_MS = 60 * 1000;
/* Points further apart than this are a gap in the line (no samples). */
const GAP_MS = 3 * 2000;

export function niceMax(v) {
	const steps = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
	let scale = 1;
	v = Math.max(v, 1);
	while (v > 10 * scale)
		scale *= 10;
	for (const s of steps) {
		if (s * scale >= v)
			return s * scale;
	}
	return 10 * scale;
}

/*
 * A time chart on a canvas: series of [t, v] points (a gap where
 * samples are missing), horizontal reference lines, the last 15
 * minutes on the x axis.
 */
export function drawChart(canvas, o) {
	const dpr = window.devicePixelRatio || 1;
	const w = canvas.clientWidth, h = canvas.clientHeight;
	if (w === 0 || h === 0)
		return;
	if (canvas.width !== Math.round(w * dpr) ||
	    canvas.height !== Math.round(h * dpr)) {
		canvas.width = Math.round(w * dpr);
		canvas.height = Math.round(h * dpr);
	}
	const c = canvas.getContext('2d');
	c.setTransform(dpr, 0, 0, dpr, 0, 0);
	c.clearRect(0, 0, w, h);
	const padL = 34, padR = 6, padT = 6;
	const padB = o.axis ? 18 : 4;
	const t1 = o.now, t0 = t1 - WINDOW_MS;
	const X = (t) => padL + (t - t0) / (t1 - t0) * (w - padL - padR);
	const Y = (v) => padT + (1 - v / o.ymax) * (h - padT - padB);

	c.font = '11px system-ui, sans-serif';
	c.fillStyle = '#8b98a8';
	c.strokeStyle = '#2a3340';
	c.lineWidth = 1;
	c.textAlign = 'right';
	c.textBaseline = 'middle';
	/* Whole numbers on the axis where the scale allows. */
	const div = o.ymax % 4 === 0 ? 4 : o.ymax % 5 === 0 ? 5 :
	    o.ymax % 3 === 0 ? 3 : 4;
	for (let i = 0; i <= div; i++) {
		const v = o.ymax * i / div;
		c.beginPath();
		c.moveTo(padL, Math.round(Y(v)) + 0.5);
		c.lineTo(w - padR, Math.round(Y(v)) + 0.5);
		c.stroke();
		c.fillText(String(+v.toFixed(1)), padL - 4, Y(v));
	}
	if (o.axis) {
		c.textAlign = 'center';
		c.textBaseline = 'top';
		for (let m = 15; m >= 0; m -= 5) {
			const x = X(t1 - m * MINUTE_MS);
			c.fillText(m === 0 ? 'ahora' : '−' + m + ' min',
			    Math.min(Math.max(x, padL + 14), w - 20),
			    h - padB + 4);
		}
	}
	for (const l of o.lines || []) {
		c.save();
		c.strokeStyle = l.color;
		c.lineWidth = 2;
		c.setLineDash(l.dash || []);
		c.beginPath();
		c.moveTo(padL, Y(l.v));
		c.lineTo(w - padR, Y(l.v));
		c.stroke();
		if (l.label) {
			c.fillStyle = l.color;
			c.textAlign = 'left';
			c.textBaseline = 'bottom';
			c.fillText(l.label, padL + 4, Y(l.v) - 2);
		}
		c.restore();
	}
	for (const s of o.series) {
		c.save();
		c.strokeStyle = s.color;
		c.lineWidth = s.width || 2;
		c.setLineDash(s.dash || []);
		c.lineJoin = 'round';
		c.beginPath();
		let prev = null;
		for (const [t, v] of s.pts) {
			if (v === null || v === undefined) {
				prev = null;
				continue;
			}
			if (prev === null || t - prev > GAP_MS)
				c.moveTo(X(t), Y(v));
			else
				c.lineTo(X(t), Y(v));
			prev = t;
		}
		c.stroke();
		const last = s.pts[s.pts.length - 1];
		if (last && last[1] !== null && s.dot) {
			c.fillStyle = s.color;
			c.beginPath();
			c.arc(X(last[0]), Y(last[1]), 3.5, 0, 2 * Math.PI);
			c.fill();
		}
		c.restore();
	}
}
