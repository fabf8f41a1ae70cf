#include "step.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dnsstep.h"
#include "groupsstep.h"
#include "mailboxstep.h"
#include "targetstep.h"
#include "ticketsstep.h"
#include "text.h"
#include "transcript.h"

const struct ew_step ew_steps[] = {
	{ "target", "Target and defaults", "target",
	  "Who and what is diagnosed: realm, domain, user, Exchange servers.",
	  ew_target_step, EW_STEP_SETUP },
	{ "dns", "DNS: flush and inspect", "dns",
	  "The SRV records Kerberos needs, every resolver, caches, disjoint names.",
	  ew_dns_step, 0 },
	{ "tickets", "Kerberos tickets", "tickets",
	  "KerbTray and klist: the user's tickets, the Exchange session tickets, KDCs, skew.",
	  ew_tickets_step, 0 },
	{ "groups", "Group membership and token size", "groups",
	  "The groups in the user's token, the token size estimate, ticket sizes.",
	  ew_groups_step, 0 },
	{ "mailbox", "Mailbox move and permissions", "mailbox",
	  "A half-moved mailbox, and whether the mover had the rights to move it.",
	  ew_mailbox_step, 0 },
};
const size_t ew_nsteps = sizeof(ew_steps) / sizeof(ew_steps[0]);

static const char *const status_names[] = {
	"pass", "info", "warn", "fail", "skip",
	"pending", "running", "cancelled", "interrupted",
};
#define NSTATUS (sizeof(status_names) / sizeof(status_names[0]))

const char *ew_status_name(enum ew_status st)
{
	return (unsigned)st < NSTATUS ? status_names[st] : "?";
}

int ew_status_parse(const char *name, enum ew_status *out)
{
	size_t i;

	for (i = 0; name && i < NSTATUS; i++) {
		if (strcmp(name, status_names[i]) == 0) {
			*out = (enum ew_status)i;
			return 0;
		}
	}
	return -1;
}

const struct ew_step *ew_step_find(const char *id)
{
	size_t i;

	for (i = 0; id && i < ew_nsteps; i++)
		if (strcmp(ew_steps[i].id, id) == 0)
			return &ew_steps[i];
	return NULL;
}

struct ew_step_result *ew_step_result_new(const char *id, const char *title)
{
	struct ew_step_result *r;

	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	r->id = ew_text_cleanz(id);
	r->title = ew_text_cleanz(title);
	r->status = EW_ST_PENDING;
	r->data = json_object();
	if (r->id == NULL || r->title == NULL || r->data == NULL)
		ew_step_result_free(&r);
	return r;
}

void ew_step_result_free(struct ew_step_result **rp)
{
	struct ew_step_result *r;
	size_t i;

	if (rp == NULL || *rp == NULL)
		return;
	r = *rp;
	for (i = 0; i < r->nfindings; i++)
		ew_finding_free(&r->findings[i]);
	free(r->findings);
	free(r->id);
	free(r->title);
	json_decref(r->data);
	free(r);
	*rp = NULL;
}

int ew_step_result_add(struct ew_step_result *r, struct ew_finding *f)
{
	struct ew_finding **v;

	if (f == NULL)
		return -1;
	v = realloc(r->findings, (r->nfindings + 1) * sizeof(*v));
	if (v == NULL) {
		ew_finding_free(&f);
		return -1;
	}
	r->findings = v;
	r->findings[r->nfindings++] = f;
	return 0;
}

enum ew_status ew_step_result_worst(const struct ew_step_result *r)
{
	enum ew_status worst = EW_ST_PASS;
	size_t i, skips = 0;

	for (i = 0; i < r->nfindings; i++) {
		enum ew_severity s = r->findings[i]->severity;

		if (s == EW_SKIP)
			skips++;
		else if ((int)s > (int)worst)
			worst = (enum ew_status)s;
	}
	if (r->nfindings > 0 && skips == r->nfindings)
		return EW_ST_SKIP;
	return worst;
}

int ew_run_cancelled(const struct ew_run *run)
{
	return run->cancel != NULL && atomic_load(run->cancel) != 0;
}

void ew_run_probe(struct ew_run *run, const char *step, json_t *fields)
{
	if (fields == NULL)
		fields = json_object();
	if (run->transcript == NULL) {
		json_decref(fields);
		return;
	}
	json_object_set_new(fields, "step", json_string(step));
	ew_transcript_event(run->transcript, "probe", fields);
}

void ew_run_note(struct ew_run *run, const char *step, const char *fmt, ...)
{
	va_list ap;
	char *raw, *s;

	if (run->transcript == NULL)
		return;
	va_start(ap, fmt);
	raw = ew_vstrprintf(fmt, ap);
	va_end(ap);
	s = ew_text_cleanz(raw);
	free(raw);
	if (s == NULL)
		return;
	ew_transcript_event(run->transcript, "note",
			    json_pack("{s:s, s:s}", "step", step, "text", s));
	free(s);
}

static long elapsed_ms(const struct timespec *a, const struct timespec *b)
{
	return (long)(b->tv_sec - a->tv_sec) * 1000 +
	       (long)(b->tv_nsec - a->tv_nsec) / 1000000;
}

struct ew_step_result *ew_step_execute(const struct ew_step *step, struct ew_run *run)
{
	struct ew_step_result *res;
	struct timespec t0, t1;
	size_t i;
	int rc;

	res = ew_step_result_new(step->id, step->title);
	if (res == NULL)
		return NULL;
	if (run->transcript)
		ew_transcript_event(run->transcript, "step",
				    json_pack("{s:s, s:s, s:s}", "id", step->id,
					      "phase", "start", "title", step->title));
	res->status = EW_ST_RUNNING;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = step->run(run, res);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	res->duration_ms = elapsed_ms(&t0, &t1);
	/*
	 * Cancelled is the step's outcome whatever its findings say: the checks
	 * cut short said so as skips; one that gave nothing at all gets a skip
	 * that says why.
	 */
	if (ew_run_cancelled(run)) {
		if (res->nfindings == 0)
			ew_step_result_add(res, ew_finding_new(step->id, EW_SKIP, "Cancelled "
							       "before the %s step had a result",
							       step->id));
		res->status = EW_ST_CANCELLED;
	} else {
		if (rc != 0 && res->nfindings == 0)
			ew_step_result_add(res, ew_finding_new(step->id, EW_SKIP, "The %s step "
							       "could not run", step->id));
		res->status = ew_step_result_worst(res);
	}
	if (run->transcript) {
		for (i = 0; i < res->nfindings; i++) {
			json_t *f = ew_finding_to_json(res->findings[i]);

			json_object_set_new(f, "step", json_string(step->id));
			ew_transcript_event(run->transcript, "finding", f);
		}
		ew_transcript_event(run->transcript, "step",
				    json_pack("{s:s, s:s, s:s, s:I, s:O}", "id", step->id,
					      "phase", "end",
					      "status", ew_status_name(res->status),
					      "duration_ms", (json_int_t)res->duration_ms,
					      "data", res->data));
		ew_transcript_sync(run->transcript);
	}
	return res;
}

struct par_job {
	const struct ew_step *step;
	struct ew_run *run;
	struct ew_step_result *res;
	pthread_t th;
	int started;
};

static void *par_thread(void *arg)
{
	struct par_job *j = arg;

	j->res = ew_step_execute(j->step, j->run);
	return NULL;
}

void ew_steps_execute_parallel(const struct ew_step *const *steps, size_t n,
			       struct ew_run *run, struct ew_step_result **out)
{
	struct par_job *jobs;
	size_t i;

	jobs = calloc(n ? n : 1, sizeof(*jobs));
	if (jobs == NULL) {
		for (i = 0; i < n; i++)
			out[i] = ew_step_execute(steps[i], run);
		return;
	}
	for (i = 0; i < n; i++) {
		jobs[i].step = steps[i];
		jobs[i].run = run;
		jobs[i].started = pthread_create(&jobs[i].th, NULL, par_thread, &jobs[i]) == 0;
	}
	for (i = 0; i < n; i++) {
		if (jobs[i].started)
			pthread_join(jobs[i].th, NULL);
		else
			jobs[i].res = ew_step_execute(steps[i], run);
		out[i] = jobs[i].res;
	}
	free(jobs);
}
