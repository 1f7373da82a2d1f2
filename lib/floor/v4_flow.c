/*
 * The union routes' decision step; see v4_flow.h.
 */
#include <stdlib.h>
#include <string.h>

#include "occupation_steps.h"
#include "v4_flow.h"

struct occ_job *
v4_job_new(struct occ_flow *flow, const struct v4_request *r,
    enum v4_request_kind kind, uint64_t deadline)
{
	struct occ_job	*job;

	job = occ_job_new(flow, kind == V4_REQ_INICIAR ? OCC_TOMAR :
	    OCC_PAUSAR, r->base.op, r->base.tag_spool, r->base.worker_id,
	    deadline);
	if (job == NULL)
		return (NULL);
	if ((job->v4 = calloc(1, sizeof(*job->v4))) == NULL) {
		occ_job_free(job);
		return (NULL);
	}
	job->v4->kind = kind;
	job->v4->nsel = r->nunions;
	memcpy(job->v4->sel, r->unions, r->nunions * sizeof(r->unions[0]));
	job->has_nombre = r->base.has_worker_nombre;
	memcpy(job->nombre, r->base.worker_nombre, sizeof(job->nombre));
	return (job);
}

static void
finalizar(struct occ_job *job, struct occ_input *in,
    const struct sheet_table *ops, const struct union_list *list)
{
	struct v4_finalizar_input	 fi;
	char				 ids[V4_AUDITS_MAX][UUID4_STRLEN];
	size_t				 i;

	memset(&fi, 0, sizeof(fi));
	for (i = 0; i < V4_AUDITS_MAX; i++) {
		if (uuid4_generate(ids[i]) == -1) {
			flow_fail(job, OCC_ERR_INTERNAL, "No se pudo preparar "
			    "el cambio.");
			return;
		}
		fi.audit_ids[i] = ids[i];
	}
	fi.base = *in;
	fi.unions = list;
	fi.sel = job->v4->sel;
	fi.nsel = job->v4->nsel;
	fi.has_ops_count = sheet_table_column(ops, UNION_OPS_ARM) >= 0 &&
	    sheet_table_column(ops, UNION_OPS_SOLD) >= 0;
	fi.has_ops_pulgadas = sheet_table_column(ops, UNION_OPS_PULG_ARM) >=
	    0 && sheet_table_column(ops, UNION_OPS_PULG_SOLD) >= 0;
	v4_finalizar_decide(&fi, &job->v4->out);
	job->out = job->v4->out.base;
}

void
flow_decide(struct occ_job *job, struct occ_input *in)
{
	struct sheets_cache_view	 view;
	const struct sheet_table	*ops, *uni;
	struct union_columns		 cols;
	struct union_list		 list;
	struct union_metrics		 m;
	const char			*missing;
	int				 need;

	sheets_cache_peek(job->flow->deps.cache, &view);
	ops = view.table[SHEETS_CACHE_OPERACIONES];
	in->spool_v4 = job->row_index >= 0 && union_spool_is_v4(ops,
	    union_ops_total_column(ops), (size_t)job->row_index);
	if (job->v4 == NULL) {
		occ_decide(in, &job->out);
		return;
	}
	in->v4_route = 1;
	memset(&list, 0, sizeof(list));
	/* A v3 spool is refused before its unions matter. */
	need = in->spool_v4 && (job->v4->kind == V4_REQ_FINALIZAR ||
	    in->op == OPERACION_SOLD);
	if (need) {
		uni = view.table[SHEETS_CACHE_UNIONES];
		if (uni == NULL ||
		    union_columns_find(uni, &cols, &missing) == -1) {
			flow_log(job, LOG_LEVEL_ERROR, "%s: the Uniones sheet "
			    "is missing or lacks %s: run zeues-migrate",
			    job->tag, uni == NULL ? "everything" : missing);
			flow_fail(job, OCC_ERR_SHEETS_UNAVAILABLE, "La hoja "
			    "Uniones no está disponible.");
			return;
		}
		if (union_list_of_spool(uni, &cols, job->tag, &list) == -1) {
			flow_fail(job, OCC_ERR_OVERLOADED, "El servidor está "
			    "saturado; vuelve a intentarlo.");
			return;
		}
	}
	if (job->v4->kind == V4_REQ_FINALIZAR) {
		finalizar(job, in, ops, &list);
	} else {
		union_metrics_of(&list, &m);
		in->unions_arm_done = m.arm_done;
		occ_decide(in, &job->out);
	}
	union_list_free(&list);
}
