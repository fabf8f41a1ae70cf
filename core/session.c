#include "session.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalogue.h"
#include "directory.h"
#include "krb.h"
#include "plan.h"
#include "report.h"
#include "step.h"
#include "target.h"
#include "clientparse.h"
#include "transcript.h"

#define EW_SESSION_MAX 64

struct ew_session {
	char *command;
	char *host;
	char *version;
	struct ew_run run;
	enum ew_transcript_choice choice;
	char *transcript_path;
	int warm_directory;
	const struct ew_step *todo[EW_SESSION_MAX];
	size_t ntodo;
	struct ew_report *report;
	struct ew_transcript *transcript;
	int config_error;	/* the latest first step failed */
	int stopped;		/* steps left unrun by a configuration error */
	int lost;		/* results lost for want of memory */
};

struct ew_session *ew_session_new(const struct ew_session_opts *o)
{
	struct ew_session *s = calloc(1, sizeof(*s));
	char host[256] = "";

	if (s == NULL)
		return NULL;
	if (o->host == NULL)
		gethostname(host, sizeof(host) - 1);
	s->command = strdup(o->command ? o->command : "check");
	s->host = strdup(o->host ? o->host : host);
	s->version = strdup(o->version ? o->version : "");
	s->run = o->run;
	s->run.transcript = NULL;
	s->choice = o->transcript;
	s->transcript_path = o->transcript_path ? strdup(o->transcript_path) : NULL;
	s->warm_directory = o->warm_directory;
	if (s->command == NULL || s->host == NULL || s->version == NULL ||
	    (o->transcript_path && s->transcript_path == NULL))
		ew_session_free(&s);
	return s;
}

void ew_session_free(struct ew_session **sp)
{
	struct ew_session *s = *sp;

	if (s == NULL)
		return;
	if (s->transcript)
		ew_transcript_close(&s->transcript);
	ew_report_free(&s->report);
	free(s->command);
	free(s->host);
	free(s->version);
	free(s->transcript_path);
	free(s);
	*sp = NULL;
}

int ew_session_plan(struct ew_session *s, const char *const *ids, size_t nids,
		    char *err, size_t errlen)
{
	int n = ew_plan_steps(ew_steps, ew_nsteps, ids, nids, s->todo, EW_SESSION_MAX,
			      err, errlen);

	size_t i, k;

	if (n < 0)
		return -1;
	s->ntodo = (size_t)n;
	/* Without the client's output the client step has nothing to read:
	 * planned only when named. */
	if (nids == 0 && (s->run.target == NULL || s->run.target->nclient == 0)) {
		for (i = k = 0; i < s->ntodo; i++)
			if (!(s->todo[i]->flags & EW_STEP_CLIENT))
				s->todo[k++] = s->todo[i];
		s->ntodo = k;
	}
	return 0;
}

void ew_session_client_text(struct ew_session *s, const struct ew_client_text *c)
{
	const char *enc = NULL;
	size_t len = 0;
	unsigned invalid = 0;
	char *text;

	if (s == NULL || s->transcript == NULL)
		return;
	/* As given, decoded to UTF-8 (the transcript's encoding): evidence for
	 * the ticket. */
	text = ew_client_decode(c->data, c->len, &enc, &len, &invalid);
	ew_session_input(s, json_pack("{s:s, s:s, s:I, s:s?, s:s%}", "source", "client",
				      "name", c->source, "bytes", (json_int_t)c->len,
				      "encoding", enc, "text", text ? text : "", text ? len : 0));
	free(text);
}

/* The transcript chosen; 1 with err and a note when the default could not be made. */
static int open_transcript(struct ew_session *s, char *err, size_t errlen)
{
	switch (s->choice) {
	case EW_TRANSCRIPT_NONE:
		return 0;
	case EW_TRANSCRIPT_PATH:
		return ew_transcript_open(s->transcript_path, &s->transcript, err, errlen);
	case EW_TRANSCRIPT_DEFAULT:
		break;
	}
	if (ew_transcript_open_default(&s->transcript, err, errlen) == 0)
		return 0;
	/* The diagnosis matters more than the record of it: go on without. */
	ew_report_add_note(s->report, "No transcript was written: %s", err);
	return 1;
}

int ew_session_open(struct ew_session *s, char *err, size_t errlen)
{
	char now[40];
	json_t *steps;
	size_t i;
	int rc;

	if (s->warm_directory || ew_plan_needs_directory(s->todo, s->ntodo))
		ew_dir_warm_up();
	s->report = ew_report_new(s->version, s->host);
	if (s->report == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ew_time_iso(now, sizeof(now));
	s->report->started = strdup(now);
	rc = open_transcript(s, err, errlen);
	if (rc < 0)
		return -1;
	s->run.transcript = s->transcript;
	if (s->transcript == NULL)
		return rc;
	s->report->transcript = strdup(ew_transcript_path(s->transcript));
	steps = json_array();
	for (i = 0; i < s->ntodo; i++)
		json_array_append_new(steps, json_string(s->todo[i]->id));
	ew_transcript_event(s->transcript, "session",
			    json_pack("{s:s, s:s, s:s, s:o, s:o}", "version", s->version,
				      "host", s->host, "command", s->command, "steps", steps,
				      "target", ew_target_to_json(s->run.target)));
	for (i = 0; s->run.target && i < s->run.target->nclient; i++)
		ew_session_client_text(s, &s->run.target->client[i]);
	ew_transcript_sync(s->transcript);
	return rc;
}

/* After a first step: whether it failed (a configuration error), and the
 * target it settled in the transcript (and the report, when it is filled). */
static int took_first(struct ew_session *s, const struct ew_run *run,
		      const struct ew_step_result *res, int into_report)
{
	json_t *target = ew_target_to_json(run->target);
	size_t k;
	int bad = 0;

	/* A first step stopped by a signal settled nothing: no verdict on it. */
	for (k = 0; k < res->nfindings && res->status != EW_ST_CANCELLED; k++)
		if (res->findings[k]->severity == EW_FAIL)
			bad = 1;
	if (into_report) {
		json_decref(s->report->target);
		s->report->target = json_incref(target);
	}
	ew_session_input(s, json_pack("{s:s, s:O}", "source", "defaults", "target", target));
	json_decref(target);
	return bad;
}

/*
 * The identity put beside the user (target->compare), made from the target
 * the first step settled: its directory steps read the directory with the
 * user's credentials, its cache step (the tickets) runs with its own cache.
 */
struct compared {
	struct ew_target *dir, *view;	/* view NULL: no cache of its own */
	struct ew_run dir_run, view_run;
	int open;
};

static void compared_close(struct compared *c)
{
	ew_target_free(&c->dir);
	ew_target_free(&c->view);
	c->open = 0;
}

/* 0, or -1 when the compared user is the user itself or out of memory
 * (then nothing runs for it). */
static int compared_open(struct compared *c, const struct ew_run *run)
{
	struct ew_krb_caches caches = {0};
	char err[256];

	if (c->open)
		return c->dir ? 0 : -1;
	c->open = 1;
	/* The user itself (its name settled by the first step): nothing to compare. */
	if (ew_same_account(run->target->user, run->target->compare, NULL))
		return -1;
	if ((c->dir = ew_target_compared(run->target, 0)) == NULL)
		return -1;
	c->dir_run = *run;
	c->dir_run.target = c->dir;
	c->dir_run.identity = c->dir->user;
	if (run->target->compare_ccache == NULL)
		return 0;
	if ((c->view = ew_target_compared(run->target, 1)) == NULL)
		return -1;
	/* Whose tickets the cache holds: the tickets step labels them so. */
	if (ew_krb_list(c->view->ccache, &caches, err, sizeof(err)) == 0 && caches.n &&
	    caches.caches[0].principal)
		c->view->cache_principal = strdup(caches.caches[0].principal);
	ew_krb_caches_clear(&caches);
	c->view_run = c->dir_run;
	c->view_run.target = c->view;
	return 0;
}

/* The tickets of a compared identity without a cache of its own: none shown,
 * and why. */
static int no_cache_step(struct ew_run *run, struct ew_step_result *res)
{
	struct ew_finding *f = ew_finding_new(EW_CK_KRB_CACHE, EW_SKIP, "No tickets of %s to "
					      "compare: no credential cache of %s was given",
					      run->identity, run->identity);

	if (f)
		ew_finding_remedy(f, "Give --compare-ccache CCNAME (a cache that holds %s's "
				  "tickets) or --compare-kinit %s (asks for %s's password).",
				  run->identity, run->identity, run->identity);
	ew_step_result_add(res, f);
	return 1;
}

/*
 * Batch: the steps todo[0..n) for the user, and after them (with compare),
 * for the compared identity, those about the user; run side by side. out[k] for k < n is the
 * user's step k; the others follow in the order of their steps.
 */
static size_t batch_with_compared(const struct ew_step **todo, size_t n, struct ew_run *run,
				  int compare, struct compared *c, struct ew_step nc[],
				  const struct ew_step **steps, struct ew_run **runs)
{
	size_t k, m = 0;

	for (k = 0; k < n; k++) {
		steps[m] = todo[k];
		runs[m++] = run;
	}
	if (!compare || run->target->compare == NULL || compared_open(c, run) != 0 ||
	    c->dir == NULL)
		return m;
	for (k = 0; k < n; k++) {
		if (!(todo[k]->flags & EW_STEP_IDENTITY))
			continue;
		if ((todo[k]->flags & EW_STEP_CACHE) && c->view == NULL) {
			nc[k] = *todo[k];
			nc[k].run = no_cache_step;
			steps[m] = &nc[k];
			runs[m++] = &c->dir_run;
		} else {
			steps[m] = todo[k];
			runs[m++] = (todo[k]->flags & EW_STEP_CACHE) ? &c->view_run : &c->dir_run;
		}
	}
	return m;
}

size_t ew_session_run_steps(struct ew_session *s, struct ew_run *run,
			    const struct ew_step **steps, size_t n,
			    ew_session_took_fn took, void *arg)
{
	const struct ew_step *todo[EW_SESSION_MAX];
	struct compared cmp = {0};
	size_t i, k;
	int stop = 0;

	if (run == NULL)
		run = &s->run;
	if (n > EW_SESSION_MAX)
		n = EW_SESSION_MAX;
	memcpy(todo, steps, n * sizeof(*todo));
	ew_plan_order(todo, n);
	/*
	 * The first step: the others need what it resolves. Then, under
	 * EW_RUN_FLUSH, the flushing step (the others then see the flushed
	 * caches). Then every other step at once: none needs another's result,
	 * and over a slow link the run takes as long as the longest step. The
	 * compared identity's steps run in the same batches, beside the user's.
	 */
	for (i = 0; i < n && !ew_run_cancelled(run) && !stop; ) {
		struct ew_step_result *res[2 * EW_SESSION_MAX] = { NULL };
		const struct ew_step *all[2 * EW_SESSION_MAX];
		struct ew_run *runs[2 * EW_SESSION_MAX];
		struct ew_step nc[EW_SESSION_MAX];
		size_t batch = ew_plan_batch(todo, n, i, run->flags), m;

		/* The first step settles the target the compared one is made from. */
		m = batch_with_compared(todo + i, batch, run, !(todo[i]->flags & EW_STEP_FIRST),
					&cmp, nc, all, runs);
		if (m == 1)
			res[0] = ew_step_execute(all[0], runs[0]);
		else
			ew_steps_execute_parallel(all, m, runs, res);
		for (k = 0; k < m; k++) {
			const struct ew_step *step = k < batch ? todo[i + k] : ew_step_find(all[k]->id);

			if (k < batch && res[k] && (step->flags & EW_STEP_FIRST)) {
				s->config_error = took_first(s, run, res[k], took == NULL);
				stop |= s->config_error;
			}
			if (took)
				took(arg, step, res[k], k >= batch);
			else if (res[k])
				ew_report_add_step(s->report, res[k]);
			else
				s->lost++;
		}
		i += batch;
	}
	if (cmp.open && cmp.dir == NULL && took == NULL &&
	    ew_same_account(run->target->user, run->target->compare, NULL))
		ew_report_add_note(s->report, "%s, given to compare with, is the user itself: "
				   "nothing was compared.", run->target->compare);
	compared_close(&cmp);
	s->stopped = stop && i < n;
	return i;
}

int ew_session_run_plan(struct ew_session *s)
{
	s->lost = 0;
	ew_session_run_steps(s, NULL, s->todo, s->ntodo, NULL, NULL);
	if (ew_run_cancelled(&s->run))
		ew_report_add_note(s->report, "Stopped by a signal before every step had run.");
	else if (s->stopped)
		ew_report_add_note(s->report, "The other steps were not run: the target above "
				   "cannot be diagnosed as given.");
	return s->lost;
}

void ew_session_input(struct ew_session *s, json_t *fields)
{
	if (s && s->transcript)
		ew_transcript_event(s->transcript, "input", fields);
	else
		json_decref(fields);
}

void ew_session_action(struct ew_session *s, const char *what, const char *text)
{
	if (s && s->transcript)
		ew_transcript_event(s->transcript, "action",
				    json_pack("{s:s, s:s}", "what", what, "text", text));
}

void ew_session_note(struct ew_session *s, const char *source, const char *text)
{
	if (s && s->transcript)
		ew_transcript_event(s->transcript, "note",
				    json_pack("{s:s, s:s}", "source", source, "text", text));
}

int ew_session_close(struct ew_session *s, int *write_failed)
{
	int rc = s->config_error ? EW_EXIT_USAGE : ew_report_exit_code(s->report);

	if (write_failed)
		*write_failed = 0;
	if (s->transcript) {
		json_t *j = ew_report_to_json(s->report);
		json_t *diag = json_object_get(j, "diagnosis");

		/* The answer, as the report gives it, before the end. */
		if (diag)
			ew_transcript_event(s->transcript, "diagnosis",
					    json_pack("{s:O}", "diagnosis", diag));
		ew_transcript_event(s->transcript, "end",
				    json_pack("{s:O, s:i, s:b}", "summary",
					      json_object_get(j, "summary"), "exit", rc,
					      "cancelled", ew_run_cancelled(&s->run)));
		json_decref(j);
		s->run.transcript = NULL;
		if (ew_transcript_close(&s->transcript) != 0) {
			ew_report_add_note(s->report, "Writing the transcript failed; it may be "
					   "incomplete.");
			if (write_failed)
				*write_failed = 1;
		}
	}
	return rc;
}

struct ew_report *ew_session_report(struct ew_session *s)
{
	return s->report;
}

struct ew_run *ew_session_run(struct ew_session *s)
{
	return &s->run;
}

int ew_session_config_error(const struct ew_session *s)
{
	return s->config_error;
}
