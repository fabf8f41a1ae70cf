#include "run.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text.h"
#include "transcript.h"

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
	if (run->identity)
		json_object_set_new(fields, "identity", json_string(run->identity));
	ew_transcript_event(run->transcript, "probe", fields);
}

void ew_run_note(struct ew_run *run, const char *step, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (run->transcript == NULL)
		return;
	va_start(ap, fmt);
	s = ew_vstrprintf_clean(fmt, ap);
	va_end(ap);
	if (s == NULL)
		return;
	ew_transcript_event(run->transcript, "note",
			    json_pack("{s:s, s:s, s:s*}", "step", step, "text", s,
				      "identity", run->identity));
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
	res->setup = (step->flags & EW_STEP_SETUP) != 0;
	res->kind = step->data;
	res->compared = run->identity != NULL;
	if (run->transcript)
		ew_transcript_event(run->transcript, "step",
				    json_pack("{s:s, s:s, s:s, s:s*}", "id", step->id,
					      "phase", "start", "title", step->title,
					      "identity", run->identity));
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
			if (run->identity)
				json_object_set_new(f, "identity", json_string(run->identity));
			ew_transcript_event(run->transcript, "finding", f);
		}
		ew_transcript_event(run->transcript, "step",
				    json_pack("{s:s, s:s, s:s, s:I, s:O, s:s*}", "id", step->id,
					      "phase", "end",
					      "status", ew_status_name(res->status),
					      "duration_ms", (json_int_t)res->duration_ms,
					      "data", res->data, "identity", run->identity));
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
			       struct ew_run *const *runs, struct ew_step_result **out)
{
	struct par_job *jobs;
	size_t i;

	jobs = calloc(n ? n : 1, sizeof(*jobs));
	if (jobs == NULL) {
		for (i = 0; i < n; i++)
			out[i] = ew_step_execute(steps[i], runs[i]);
		return;
	}
	for (i = 0; i < n; i++) {
		jobs[i].step = steps[i];
		jobs[i].run = runs[i];
		jobs[i].started = pthread_create(&jobs[i].th, NULL, par_thread, &jobs[i]) == 0;
	}
	for (i = 0; i < n; i++) {
		if (jobs[i].started)
			pthread_join(jobs[i].th, NULL);
		else
			jobs[i].res = ew_step_execute(steps[i], runs[i]);
		out[i] = jobs[i].res;
	}
	free(jobs);
}
