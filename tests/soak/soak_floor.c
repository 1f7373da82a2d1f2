/*
 * The floor the tablets work on: the active workers with their roles and
 * the spools they may take, from the server's own lists when it has them
 * (GET /api/workers), else from the workbook (the emulator's
 * /admin/workbook, or --workbook FILE).  The tool keeps its own model of
 * which spool each operation may be started on, updated by what the
 * server acknowledges, and logs every mutation it sends.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "soak.h"
#include "soak_wb.h"


static size_t	spools_cap;

const char *
mut_name(int kind)
{
	switch (kind) {
	case MUT_TOMAR:
		return ("TOMAR");
	case MUT_PAUSAR:
		return ("PAUSAR");
	default:
		return ("COMPLETAR");
	}
}

const char *
op_name(int op)
{
	return (op == OP_ARM ? "ARM" : "SOLD");
}

const char *
mut_evento(int kind, int op)
{
	switch (kind) {
	case MUT_TOMAR:
		return ("TOMAR_SPOOL");
	case MUT_PAUSAR:
		return ("PAUSAR_SPOOL");
	default:
		return (op == OP_ARM ? "COMPLETAR_ARM" : "COMPLETAR_SOLD");
	}
}

int
floor_spool_index(struct soak *sk, const char *tag)
{
	struct floor_model	*fl = &sk->fl;
	size_t			 i;

	for (i = 0; i < fl->nspools; i++) {
		if (strcmp(fl->spools[i].tag, tag) == 0)
			return ((int)i);
	}
	return (-1);
}

/* Adds a spool (or finds it); -1 when the tag is unusable. */
static int
spool_add(struct soak *sk, const char *tag)
{
	struct floor_model	*fl = &sk->fl;
	struct spool		*np;
	int			 i;

	if (tag == NULL || tag[0] == '\0' || strlen(tag) >= SOAK_TAG_MAX)
		return (-1);
	if ((i = floor_spool_index(sk, tag)) != -1)
		return (i);
	if (fl->nspools >= 200000)
		return (-1);
	if (fl->nspools == spools_cap) {
		spools_cap = spools_cap ? spools_cap * 2 : 4096;
		np = realloc(fl->spools, spools_cap * sizeof(*np));
		if (np == NULL)
			return (-1);
		fl->spools = np;
	}
	np = &fl->spools[fl->nspools];
	memset(np, 0, sizeof(*np));
	snprintf(np->tag, sizeof(np->tag), "%s", tag);
	np->held_by = -1;
	np->last_ok_mut = -1;
	return ((int)fl->nspools++);
}

int
floor_mut_new(struct soak *sk, int kind, int op, int spool, int worker,
    int tablet)
{
	struct floor_model	*fl = &sk->fl;
	struct mutation		*m;

	if (fl->muts == NULL)
		fl->muts = calloc(MUT_LOG_MAX, sizeof(*fl->muts));
	if (fl->muts == NULL || fl->nmuts >= MUT_LOG_MAX) {
		fl->muts_untracked++;
		return (-1);
	}
	m = &fl->muts[fl->nmuts];
	memset(m, 0, sizeof(*m));
	m->kind = (uint8_t)kind;
	m->op = (uint8_t)op;
	m->spool = spool;
	m->worker = worker;
	m->tablet = tablet;
	m->t_sent = soak_now();
	return ((int)fl->nmuts++);
}

/* ------------------------------------------------------------------ */

static void
initial(const char *word, char *out, size_t size)
{
	size_t	n = 1;
	const unsigned char *p = (const unsigned char *)word;

	while (*p == ' ')
		p++;
	if (*p == '\0') {
		out[0] = '\0';
		return;
	}
	if (*p >= 0x80) {
		/* A UTF-8 sequence: keep it whole. */
		while (n < 4 && (p[n] & 0xC0) == 0x80)
			n++;
	}
	if (n >= size)
		n = size - 1;
	memcpy(out, p, n);
	out[n] = '\0';
	if (n == 1)
		out[0] = (char)toupper(out[0]);
}

static void
canonical(int id, const char *nombre, const char *apellido, char *out,
    size_t size)
{
	char	a[8], b[8];

	initial(nombre != NULL ? nombre : "", a, sizeof(a));
	initial(apellido != NULL ? apellido : "", b, sizeof(b));
	snprintf(out, size, "%s%s(%d)", a, b, id);
}

static int
truthy(const char *s)
{
	return (s != NULL && (strcasecmp(s, "TRUE") == 0 ||
	    strcmp(s, "1") == 0 || strcasecmp(s, "si") == 0 ||
	    strcasecmp(s, "sí") == 0));
}

static void
role_apply(struct worker *w, const char *rol)
{
	if (rol == NULL)
		return;
	if (strcasecmp(rol, "Armador") == 0)
		w->can[OP_ARM] = 1;
	else if (strcasecmp(rol, "Soldador") == 0)
		w->can[OP_SOLD] = 1;
	else if (strcasecmp(rol, "Ayudante") == 0)
		w->can[OP_ARM] = w->can[OP_SOLD] = 1;
}

static int
workers_from_api(struct soak *sk)
{
	struct floor_model	*fl = &sk->fl;
	struct http_res		 r;
	yajl_val		 root, arr, w, roles;
	char			 err[128];
	size_t			 i, k, n = 0;
	long long		 id;

	if (http_server(sk, RT_WORKERS, "GET", "/api/workers", NULL, 15, &r) ==
	    -1 || r.status != 200) {
		if (r.status == 404)
			soak_log(sk,
			    "GET /api/workers answered 404: the route is "
			    "not deployed; reading workers from the workbook");
		http_res_free(&r);
		return (-1);
	}
	root = yajl_tree_parse(r.body, err, sizeof(err));
	http_res_free(&r);
	arr = jget(root, "workers");
	if (arr == NULL || !YAJL_IS_ARRAY(arr) || arr->u.array.len == 0) {
		yajl_tree_free(root);
		return (-1);
	}
	fl->workers = calloc(arr->u.array.len, sizeof(*fl->workers));
	for (i = 0; fl->workers != NULL && i < arr->u.array.len; i++) {
		struct worker	*wk = &fl->workers[n];
		yajl_val	 act;

		w = arr->u.array.values[i];
		if (jint(w, "id", &id) == -1 || id <= 0)
			continue;
		act = jget(w, "activo");
		if (act != NULL && YAJL_IS_FALSE(act))
			continue;
		wk->id = (int)id;
		if (jstr(w, "nombre_completo") != NULL)
			snprintf(wk->nombre, sizeof(wk->nombre), "%s",
			    jstr(w, "nombre_completo"));
		else
			canonical(wk->id, jstr(w, "nombre"),
			    jstr(w, "apellido"), wk->nombre,
			    sizeof(wk->nombre));
		role_apply(wk, jstr(w, "rol"));
		roles = jget(w, "roles");
		for (k = 0; roles != NULL && YAJL_IS_ARRAY(roles) &&
		    k < roles->u.array.len; k++) {
			if (YAJL_IS_STRING(roles->u.array.values[k]))
				role_apply(wk, YAJL_GET_STRING(
				    roles->u.array.values[k]));
		}
		if (wk->can[OP_ARM] || wk->can[OP_SOLD])
			n++;
	}
	fl->nworkers = n;
	fl->workers_source = "GET /api/workers";
	yajl_tree_free(root);
	return (n > 0 ? 0 : -1);
}

static int
workers_from_workbook(struct soak *sk, yajl_val wb)
{
	struct floor_model	*fl = &sk->fl;
	yajl_val		 tr, ro, rows, row;
	int			 cid, cn, ca, cr, cact, rid, rrol, ract;
	char			 idb[32], nb[128], ab[128], rb[64];
	char			 actb[16];
	size_t			 i, j, n = 0;

	tr = wb_sheet(wb, "Trabajadores");
	ro = wb_sheet(wb, "Roles");
	if ((rows = wb_rows(tr)) == NULL)
		return (-1);
	cid = wb_col(tr, "Id");
	cn = wb_col(tr, "Nombre");
	ca = wb_col(tr, "Apellido");
	cr = wb_col(tr, "Rol");
	cact = wb_col(tr, "Activo");
	if (cid < 0 || cn < 0 || ca < 0)
		return (-1);
	fl->workers = calloc(rows->u.array.len, sizeof(*fl->workers));
	if (fl->workers == NULL)
		return (-1);
	for (i = 1; i < rows->u.array.len; i++) {
		struct worker	*wk = &fl->workers[n];

		row = rows->u.array.values[i];
		jcell(row, (size_t)cid, idb, sizeof(idb));
		if (atoi(idb) <= 0)
			continue;
		if (cact >= 0) {
			jcell(row, (size_t)cact, actb, sizeof(actb));
			if (!truthy(actb))
				continue;
		}
		wk->id = atoi(idb);
		jcell(row, (size_t)cn, nb, sizeof(nb));
		jcell(row, (size_t)ca, ab, sizeof(ab));
		canonical(wk->id, nb, ab, wk->nombre, sizeof(wk->nombre));
		if (cr >= 0) {
			jcell(row, (size_t)cr, rb, sizeof(rb));
			role_apply(wk, rb);
		}
		n++;
	}
	/* Roles: several active rows per worker. */
	if ((rows = wb_rows(ro)) != NULL) {
		rid = wb_col(ro, "Id");
		rrol = wb_col(ro, "Rol");
		ract = wb_col(ro, "Activo");
		for (i = 1; rid >= 0 && rrol >= 0 && i < rows->u.array.len;
		    i++) {
			row = rows->u.array.values[i];
			jcell(row, (size_t)rid, idb, sizeof(idb));
			if (ract >= 0) {
				jcell(row, (size_t)ract, actb, sizeof(actb));
				if (!truthy(actb))
					continue;
			}
			jcell(row, (size_t)rrol, rb, sizeof(rb));
			for (j = 0; j < n; j++) {
				if (fl->workers[j].id == atoi(idb))
					role_apply(&fl->workers[j], rb);
			}
		}
	}
	/* Keep those who may start ARM or SOLD. */
	for (i = 0, j = 0; i < n; i++) {
		if (fl->workers[i].can[OP_ARM] || fl->workers[i].can[OP_SOLD])
			fl->workers[j++] = fl->workers[i];
	}
	fl->nworkers = j;
	fl->workers_source = wb_source(sk);
	return (j > 0 ? 0 : -1);
}

static int
blocked_state(const char *estado)
{
	static const char *const bad[] = { "BLOQUEADO", "RECHAZADO",
	    "EN_REPARACION", "REPARACION_PAUSADA", "PENDIENTE_METROLOGIA",
	    "METROLOGIA" };
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (strncmp(estado, bad[i], strlen(bad[i])) == 0)
			return (1);
	}
	return (0);
}

static int
spools_from_workbook(struct soak *sk, yajl_val wb)
{
	struct floor_model	*fl = &sk->fl;
	yajl_val		 op, rows, row;
	int			 ct, cfm, cfa, carm, cfs, cocc, cest, ctot;
	char			 tag[128], fm[64], fa[64], arm[64], fs[64];
	char			 occ[64], tot[32];
	char			 est[256];
	size_t			 i;
	int			 k;

	op = wb_sheet(wb, "Operaciones");
	if ((rows = wb_rows(op)) == NULL)
		return (-1);
	ct = wb_col(op, "TAG_SPOOL");
	cfm = wb_col(op, "Fecha_Materiales");
	cfa = wb_col(op, "Fecha_Armado");
	carm = wb_col(op, "Armador");
	cfs = wb_col(op, "Fecha_Soldadura");
	cocc = wb_col(op, "Ocupado_Por");
	cest = wb_col(op, "Estado_Detalle");
	ctot = wb_col(op, "Total_Uniones");
	if (ct < 0 || cfm < 0 || cfa < 0 || carm < 0 || cfs < 0)
		return (-1);
	for (i = 1; i < rows->u.array.len; i++) {
		row = rows->u.array.values[i];
		jcell(row, (size_t)ct, tag, sizeof(tag));
		if ((k = spool_add(sk, tag)) == -1)
			continue;
		jcell(row, (size_t)cfm, fm, sizeof(fm));
		jcell(row, (size_t)cfa, fa, sizeof(fa));
		jcell(row, (size_t)carm, arm, sizeof(arm));
		jcell(row, (size_t)cfs, fs, sizeof(fs));
		occ[0] = est[0] = '\0';
		if (cocc >= 0)
			jcell(row, (size_t)cocc, occ, sizeof(occ));
		if (cest >= 0)
			jcell(row, (size_t)cest, est, sizeof(est));
		tot[0] = '\0';
		if (ctot >= 0)
			jcell(row, (size_t)ctot, tot, sizeof(tot));
		/* v3 spools: a v4 one is taken through INICIAR. */
		if (occ[0] != '\0' || blocked_state(est) || fm[0] == '\0' ||
		    atoi(tot) > 0)
			continue;
		fl->spools[k].eligible[OP_ARM] = fa[0] == '\0';
		fl->spools[k].eligible[OP_SOLD] = arm[0] != '\0' &&
		    fs[0] == '\0';
	}
	fl->spools_source = wb_source(sk);
	return (fl->nspools > 0 ? 0 : -1);
}

/* GET /api/spools/iniciar?operacion=OP: adds tags, marks them eligible. */
int
floor_merge_list(struct soak *sk, int op, const char *body, size_t len)
{
	struct floor_model	*fl = &sk->fl;
	yajl_val		 root, arr;
	char			 err[128];
	const char		*tag;
	long long		 unions;
	size_t			 i;
	int			 k, n = 0;

	(void)len;
	root = yajl_tree_parse(body, err, sizeof(err));
	arr = jget(root, "spools");
	for (i = 0; arr != NULL && YAJL_IS_ARRAY(arr) &&
	    i < arr->u.array.len; i++) {
		/* v3 spools: a v4 one is taken through INICIAR. */
		if (jint(arr->u.array.values[i], "total_uniones", &unions) ==
		    0 && unions > 0)
			continue;
		tag = jstr(arr->u.array.values[i], "tag_spool");
		if ((k = spool_add(sk, tag)) == -1)
			continue;
		fl->spools[k].eligible[op] = 1;
		n++;
	}
	yajl_tree_free(root);
	return (n);
}

static int
spools_from_api(struct soak *sk)
{
	struct floor_model	*fl = &sk->fl;
	struct http_res		 r;
	int			 op, n = 0;
	char			 path[96];

	for (op = OP_ARM; op <= OP_SOLD; op++) {
		snprintf(path, sizeof(path),
		    "/api/spools/iniciar?operacion=%s", op_name(op));
		if (http_server(sk, RT_INICIAR, "GET", path, NULL, 30,
		    &r) == 0 && r.status == 200)
			n += floor_merge_list(sk, op, r.body, r.len);
		http_res_free(&r);
	}
	if (n > 0)
		fl->spools_source = "GET /api/spools/iniciar";
	return (n > 0 ? 0 : -1);
}

int
floor_load(struct soak *sk)
{
	struct soak_opts	*opt = &sk->opt;
	struct floor_model	*fl = &sk->fl;
	yajl_val		 wb = NULL;
	int			 have_wb;

	have_wb = (opt->emulator_url[0] != '\0' ||
	    opt->workbook_file[0] != '\0');
	if (workers_from_api(sk) == -1) {
		if (have_wb && (wb = wb_fetch(sk)) != NULL)
			workers_from_workbook(sk, wb);
	}
	/* The workbook is the fuller model: it knows both operations. */
	if (have_wb) {
		if (wb == NULL)
			wb = wb_fetch(sk);
		if (wb != NULL)
			spools_from_workbook(sk, wb);
	}
	if (fl->nspools == 0)
		spools_from_api(sk);
	if (wb != NULL)
		yajl_tree_free(wb);
	if (fl->nworkers == 0)
		soak_incident(sk, "no workers: GET /api/workers failed and no "
		    "workbook is reachable; tablets stay idle");
	if (fl->nspools == 0)
		soak_incident(sk, "no spools: neither the workbook nor GET "
		    "/api/spools/iniciar gave any; tablets stay idle");
	soak_log(sk, "floor: %zu workers (%s), %zu spools (%s)", fl->nworkers,
	    fl->workers_source ? fl->workers_source : "none", fl->nspools,
	    fl->spools_source ? fl->spools_source : "none");
	return (0);
}
