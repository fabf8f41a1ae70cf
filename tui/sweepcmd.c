#include "sweepcmd.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clisession.h"
#include "finding.h"
#include "options.h"
#include "report.h"
#include "result.h"
#include "session.h"
#include "sweep.h"
#include "sweepreport.h"
#include "sweeprules.h"
#include "text.h"
#include "version.h"

#define PROGRESS_MS 250		/* how often the progress line is redrawn */

int ew_sweep_exit_code(const json_t *data)
{
	const json_t *sw = json_object_get(data, "sweep");

	if (!json_is_object(sw))
		return EW_EXIT_NOTHING;
	if (json_array_size(json_object_get(data, "problems")))
		return EW_EXIT_FAIL;
	if (json_is_true(json_object_get(sw, "partial")) ||
	    json_array_size(json_object_get(data, "not_checked")))
		return EW_EXIT_WARN;
	return EW_EXIT_OK;
}

/* ---- the progress line ---- */

struct progress {
	struct ew_sweep_progress p;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int done;
	long long t0, users_t0;
	int shown;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void progress_line(struct progress *pg)
{
	long done = atomic_load(&pg->p.users_done), total = atomic_load(&pg->p.users_total);
	long problems = atomic_load(&pg->p.problems);
	int phase = atomic_load(&pg->p.phase);
	long long now = now_ms();
	char line[160];

	if (phase == EW_SWEEP_USERS && pg->users_t0 == 0)
		pg->users_t0 = now;
	if (phase <= EW_SWEEP_GROUPS) {
		snprintf(line, sizeof(line), "Sweep: reading the groups (%ld)...",
			 atomic_load(&pg->p.groups));
	} else if (phase == EW_SWEEP_USERS) {
		double secs = (double)(now - pg->users_t0) / 1000.0;
		double rate = secs > 0.2 ? (double)done / secs : 0;
		int n;

		n = snprintf(line, sizeof(line), "Sweep: users %ld", done);
		if (total >= 0)
			n += snprintf(line + n, sizeof(line) - (size_t)n, " / %ld", total);
		if (rate > 0)
			n += snprintf(line + n, sizeof(line) - (size_t)n, ", %.0f/s", rate);
		if (rate > 0 && total > done)
			n += snprintf(line + n, sizeof(line) - (size_t)n, ", %.0f s left",
				      (double)(total - done) / rate + 0.5);
		snprintf(line + n, sizeof(line) - (size_t)n, "; %ld problem%s", problems,
			 problems == 1 ? "" : "s");
	} else {
		snprintf(line, sizeof(line), "Sweep: users %ld, SPNs %ld; %ld problem%s; finishing",
			 done, atomic_load(&pg->p.spns), problems, problems == 1 ? "" : "s");
	}
	fprintf(stderr, "\r%-79.79s", line);
	fflush(stderr);
	pg->shown = 1;
}

static void *progress_thread(void *arg)
{
	struct progress *pg = arg;

	pthread_mutex_lock(&pg->mu);
	while (!pg->done) {
		struct timespec until;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += PROGRESS_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&pg->cv, &pg->mu, &until);
		if (!pg->done)
			progress_line(pg);
	}
	pthread_mutex_unlock(&pg->mu);
	return NULL;
}

/* ---- the report ---- */

static int write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static char *render(const json_t *data, const struct ew_opts *o)
{
	if (o->json) {
		json_t *j = json_deep_copy(data);
		char *text;

		if (j) {
			json_object_set_new(j, "exwizard", json_string(EW_VERSION));
			text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			json_decref(j);
			if (text) {
				char *nl = ew_strprintf("%s\n", text);

				free(text);
				return nl;
			}
		}
		return NULL;
	}
	if (o->csv)
		return ew_sweep_csv(data);
	return ew_sweep_text(data);
}

int ew_sweep_cmd(const struct ew_opts *o, atomic_int *cancel)
{
	struct ew_session *s = NULL;
	struct ew_sweep_opts sw = { 0 };
	struct progress *pg = NULL;
	struct ew_step_result *res = NULL;
	const char *target_ids[] = { "target" };
	pthread_t th;
	int started = 0, rc = EW_EXIT_NOTHING, fd = 1, write_failed = 0, created = 0, wrote = 0;
	char *text = NULL;
	size_t i;

	if (o->nargs > 0) {
		char *clean = ew_text_cleanz(o->args[0]);

		rc = ew_usage_error("sweep: unexpected argument '%s'", clean ? clean : "?");
		free(clean);
		return rc;
	}
	if (o->json && o->csv)
		return ew_usage_error("--json and --csv: give one of them");
	/* The output file first: a path that cannot be written fails now, not
	 * after the sweep. An earlier report there is emptied only when the new
	 * one is written; a file made here and left unwritten goes again. */
	if (o->output) {
		fd = open(o->output, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0)
			created = 1;
		else if (errno == EEXIST)
			fd = open(o->output, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			char *clean = ew_text_cleanz(o->output);

			fprintf(stderr, "exwizard: -o %s: %s\n", clean ? clean : "?", strerror(errno));
			free(clean);
			return EW_EXIT_USAGE;
		}
	}
	if ((pg = calloc(1, sizeof(*pg))) == NULL) {
		fputs("exwizard: out of memory\n", stderr);
		rc = EW_EXIT_USAGE;
		goto out;
	}
	/* the target step settles the realm, the domain and the DC */
	if ((s = ew_cli_session(o, "sweep", 1, cancel, target_ids, 1, &rc)) == NULL)
		goto out;
	ew_session_run_plan(s);
	if (ew_session_config_error(s)) {
		const struct ew_report *r = ew_session_report(s);

		for (i = 0; r && i < r->nsteps; i++) {
			size_t k;

			for (k = 0; k < r->steps[i]->nfindings; k++)
				if (r->steps[i]->findings[k]->severity == EW_FAIL)
					fprintf(stderr, "exwizard: %s\n",
						r->steps[i]->findings[k]->title);
		}
		rc = ew_session_close(s, &write_failed);
		goto out;
	}
	sw.base = o->base;
	sw.causes = o->causes;
	sw.ncauses = (size_t)o->ncauses;
	sw.progress = &pg->p;
	atomic_store(&pg->p.users_total, -1);
	pthread_mutex_init(&pg->mu, NULL);
	pthread_cond_init(&pg->cv, NULL);
	pg->t0 = now_ms();
	if (isatty(2))
		started = pthread_create(&th, NULL, progress_thread, pg) == 0;
	ew_session_run(s)->sweep = &sw;
	res = ew_step_execute(&ew_sweep_step_def, ew_session_run(s));
	ew_session_run(s)->sweep = NULL;
	if (started) {
		pthread_mutex_lock(&pg->mu);
		pg->done = 1;
		pthread_cond_signal(&pg->cv);
		pthread_mutex_unlock(&pg->mu);
		pthread_join(th, NULL);
		if (pg->shown)
			fprintf(stderr, "\r%-79s\r", "");
	}
	pthread_cond_destroy(&pg->cv);
	pthread_mutex_destroy(&pg->mu);
	if (res == NULL) {
		fputs("exwizard: out of memory\n", stderr);
		ew_session_close(s, &write_failed);
		rc = EW_EXIT_NOTHING;
		goto out;
	}
	rc = ew_sweep_exit_code(res->data);
	if (rc == EW_EXIT_NOTHING) {
		/* nothing could be read: say why */
		for (i = 0; i < res->nfindings; i++) {
			size_t k;

			fprintf(stderr, "exwizard: sweep: %s\n", res->findings[i]->title);
			for (k = 0; k < res->findings[i]->nevidence; k++)
				fprintf(stderr, "  %s\n", res->findings[i]->evidence[k]);
		}
	} else if ((text = render(res->data, o)) == NULL) {
		fputs("exwizard: out of memory\n", stderr);
	} else if ((fd > 1 && ftruncate(fd, 0) != 0) || write_all(fd, text, strlen(text)) != 0) {
		fprintf(stderr, "exwizard: writing the report: %s\n", strerror(errno));
		if (rc < EW_EXIT_FAIL)
			rc = EW_EXIT_FAIL;
	} else {
		wrote = 1;
	}
	/* the report owns it from here, whatever it returns */
	ew_report_add_step(ew_session_report(s), res);
	res = NULL;
	ew_session_close(s, &write_failed);
	if (write_failed)
		fputs("exwizard: the transcript may be incomplete\n", stderr);
	if (o->output && !o->json && !o->csv && isatty(1) && text)
		printf("Sweep report written to %s\n", o->output);
out:
	free(text);
	ew_step_result_free(&res);
	ew_session_free(&s);
	free(pg);
	if (fd > 1 && close(fd) != 0 && rc < EW_EXIT_USAGE) {
		fprintf(stderr, "exwizard: writing the report: %s\n", strerror(errno));
		rc = EW_EXIT_FAIL;
	}
	if (created && !wrote)
		unlink(o->output);
	return rc;
}
