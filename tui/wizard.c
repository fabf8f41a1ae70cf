/*
 * Large: the loop, the jobs, the views, the target form and the keys are
 * still in this one file; they are to be split by job, with the views and
 * the keys as tables.
 *
 * The interactive wizard. One poll() over the terminal, a wake-up pipe from
 * the worker thread and the pipe that catches stderr; a timeout only while a
 * step runs (for the spinner). Steps run on the worker with their own krb5
 * contexts and LDAP handles (inside core); the UI never calls them itself.
 */
#define _XOPEN_SOURCE_EXTENDED 1
#include "wizard.h"

#include <errno.h>
#include <fcntl.h>
#include <form.h>
#include <jansson.h>
#include <locale.h>
#include <ncurses.h>
#include <panel.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalogue.h"
#include "finding.h"
#include "help.h"
#include "krb.h"
#include "report.h"
#include "secret.h"
#include "session.h"
#include "step.h"
#include "target.h"
#include "text.h"

#define MIN_COLS 60
#define MIN_LINES 16
#define MAX_STEPS 16
#define NFIELDS 7		/* the target form */

enum { C_PASS = 1, C_INFO, C_WARN, C_FAIL, C_SKIP, C_HEAD, C_SEL };
enum overlay { OV_NONE, OV_TEXT, OV_CONFIRM_QUIT, OV_CONFIRM_FLUSH, OV_FORM };
enum pane { PANE_STEPS, PANE_FINDINGS };

/*
 * Steps on the worker, run by the session in its batches (the first step
 * alone, the others side by side). They work on a copy of the target (the
 * target step fills in its defaults there) while the UI draws from the
 * wizard's own; the copy becomes the wizard's target when the job ends.
 * Each batch's results are handed over as it ends.
 */
struct job {
	pthread_t th;
	const struct ew_step *steps[MAX_STEPS];
	size_t n;
	struct ew_session *session;
	struct ew_run run;
	struct ew_target *target;
	atomic_int cancel;		/* set by the UI, read by the step's threads */
	unsigned char running[MAX_STEPS];	/* by table place: no result taken yet (UI's) */
	pthread_mutex_t mu;		/* guards what follows */
	struct ew_step_result *res[MAX_STEPS];	/* by table place: handed over */
	unsigned char got[MAX_STEPS];
	size_t ran;			/* how many steps the session ran */
	int finished;
	int wake_fd;
};

struct ui {
	struct ew_wizard *w;
	size_t nsteps;			/* steps of the table, then the summary */
	struct ew_step_result *res[MAX_STEPS];
	size_t cur;			/* selected step (nsteps: the summary) */
	size_t sel;			/* selected finding */
	size_t top;			/* first finding shown */
	enum pane pane;
	int data_view;
	size_t left;			/* data view: first column shown (h/l) */
	enum overlay ov;
	char **ov_lines;		/* text of the overlay */
	size_t ov_n, ov_top;
	char ov_title[128];
	int ov_help;			/* the overlay is a help topic */
	char message[4400];		/* one line above the key bar */
	struct job *job;		/* running, or NULL */
	int wake[2];
	int err_pipe[2];
	int saved_stderr;
	int spin;
	int run_all;			/* 'a': the summary when the job ends */
	int too_small;
	FORM *form;
	FIELD *fields[NFIELDS + 1];
	char *bind_dn;			/* a simple bind chosen in the form */
	char bind_pw[1024];		/* its password; wiped at the end */
	char kinit_cache[256];		/* a TGT got in the form; destroyed at the end */
	WINDOW *form_win, *form_sub;
	PANEL *form_panel;
};

static const char *const form_labels[NFIELDS] = { "Realm", "AD domain", "User",
						  "Exchange servers", "Mover", "DC",
						  "Login" };

/* ---- small helpers ---- */

static int sev_color(enum ew_status st)
{
	switch (st) {
	case EW_ST_PASS: return C_PASS;
	case EW_ST_INFO: return C_INFO;
	case EW_ST_WARN: return C_WARN;
	case EW_ST_FAIL: return C_FAIL;
	default: return C_SKIP;
	}
}

/* Whether step i is in the running job and has no result yet. */
static int job_runs(const struct ui *u, size_t i)
{
	return u->job && i < MAX_STEPS && u->job->running[i];
}

static const char *status_tag(const struct ui *u, size_t i)
{
	static const char *const spin[] = { "|", "/", "-", "\\" };

	if (job_runs(u, i))
		return spin[u->spin % 4];
	if (u->res[i] == NULL)
		return "";
	if (ew_step_result_is_stale(u->res[i]))
		return "STALE";
	switch (u->res[i]->status) {
	case EW_ST_PASS: return "PASS";
	case EW_ST_INFO: return "INFO";
	case EW_ST_WARN: return "WARN";
	case EW_ST_FAIL: return "FAIL";
	case EW_ST_SKIP: return "SKIP";
	case EW_ST_CANCELLED: return "STOP";
	default: return "?";
	}
}

static void put(WINDOW *win, int y, int x, int width, const char *s)
{
	char *clean;

	if (width <= 0)
		return;
	clean = ew_text_cleanz(s);
	mvwaddnstr(win, y, x, clean ? clean : "", width);
	free(clean);
}

static void free_lines(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void add_line(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (nv == NULL)
		return;
	*v = nv;
	(*v)[*n] = ew_text_cleanz(s);
	if ((*v)[*n])
		(*n)++;
}

static void add_linef(char ***v, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void add_linef(char ***v, size_t *n, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = ew_vstrprintf(fmt, ap);
	va_end(ap);
	if (s)
		add_line(v, n, s);
	free(s);
}

/* Word-wrapped lines of text, indented, at most width columns. */
static void add_wrapped(char ***v, size_t *n, const char *text, int indent, int width)
{
	struct ew_buf b = {0};
	const char *p = text, *word;
	int col = 0;

	if (width < indent + 10)
		width = indent + 10;
	while (p && *p) {
		size_t wl;

		while (*p == ' ' || *p == '\n') {
			if (*p == '\n' && b.len) {
				add_line(v, n, b.data);
				ew_buf_reset(&b);
				col = 0;
			}
			p++;
		}
		if (!*p)
			break;
		word = p;
		while (*p && *p != ' ' && *p != '\n')
			p++;
		wl = (size_t)(p - word);
		if (col == 0) {
			ew_buf_printf(&b, "%*s", indent, "");
			col = indent;
		} else if (col + 1 + (int)wl > width) {
			add_line(v, n, b.data);
			ew_buf_reset(&b);
			ew_buf_printf(&b, "%*s", indent, "");
			col = indent;
		} else {
			ew_buf_addc(&b, ' ');
			col++;
		}
		ew_buf_add(&b, word, wl);
		col += (int)wl;
	}
	if (b.len)
		add_line(v, n, b.data);
	ew_buf_reset(&b);
}

/* The mark of a cut value: "…", or "~" with --ascii or a locale without UTF-8. */
static const char *cut_mark(const struct ui *u)
{
	return u->w->ascii || MB_CUR_MAX == 1 ? "~" : "\xe2\x80\xa6";
}

/* Columns s takes on the screen: one per character (UTF-8 code point). */
static size_t text_cols(const char *s)
{
	size_t c = 0;

	for (; s && *s; s++)
		c += ((unsigned char)*s & 0xC0) != 0x80;
	return c;
}

/* The first cols characters of s, in bytes. */
static size_t cols_bytes(const char *s, size_t cols)
{
	size_t i = 0;

	while (s[i] && cols) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		cols--;
	}
	return i;
}

/*
 * A column of a table: s in exactly w columns, padded; a longer s is cut to
 * w - 1 and marked, so that a cut is always seen. w 0: s whole.
 */
static void add_cell(struct ew_buf *b, const char *s, size_t w, const char *mark)
{
	size_t c;

	s = s ? s : "";
	c = text_cols(s);
	if (w == 0 || c <= w) {
		ew_buf_adds(b, s);
		for (; w && c < w; c++)
			ew_buf_addc(b, ' ');
		return;
	}
	ew_buf_add(b, s, cols_bytes(s, w - 1));
	ew_buf_adds(b, mark);
}

/*
 * A line of the data view as shown: from column left, in w columns; what is
 * cut off on either side is marked.
 */
static char *fit_line(const char *s, size_t left, size_t w, const char *mark)
{
	struct ew_buf b = {0};
	size_t c = text_cols(s);

	if (w == 0)
		return ew_buf_take(&b);
	if (left >= c)
		return ew_buf_take(&b);
	if (left) {
		s += cols_bytes(s, left + 1);
		ew_buf_adds(&b, mark);
		c -= left + 1;
		w--;
	}
	if (c <= w)
		ew_buf_adds(&b, s);
	else if (w) {
		ew_buf_add(&b, s, cols_bytes(s, w - 1));
		ew_buf_adds(&b, mark);
	}
	return ew_buf_take(&b);
}

/*
 * One line of a help topic, wrapped only when wider than width, at a space.
 * The continuation of a table row lines up with its last column (after a gap
 * of two spaces or more), that of a list item ("- ") with its text, that of
 * any other indented line with the line.
 */
static void add_layout_line(char ***v, size_t *n, const char *line, int width)
{
	const char *q = line;
	size_t ind = 0, k;

	while (line[ind] == ' ')
		ind++;
	if (ind > (size_t)width / 2)
		ind = (size_t)width / 2;
	if (line[ind] == '-' && line[ind + 1] == ' ')
		ind += 2;
	for (k = ind; line[k] && k + 20 < (size_t)width; k++)
		if (line[k] == ' ' && line[k + 1] == ' ' && line[k + 2] != ' ' &&
		    line[k + 2] != '\0')
			ind = k + 2;
	for (;;) {
		struct ew_buf b = {0};
		size_t room = (size_t)width - (q == line ? 0 : ind), cut, sp;

		if (q != line)
			ew_buf_printf(&b, "%*s", (int)ind, "");
		if (text_cols(q) <= room) {
			ew_buf_adds(&b, q);
			add_line(v, n, b.data ? b.data : "");
			ew_buf_reset(&b);
			return;
		}
		cut = cols_bytes(q, room);
		for (sp = cut; sp > 0 && q[sp] != ' '; sp--)
			;
		if (sp > (q == line ? ind : 0))
			cut = sp;
		ew_buf_add(&b, q, cut);
		add_line(v, n, b.data ? b.data : "");
		ew_buf_reset(&b);
		q += cut;
		while (*q == ' ')
			q++;
		if (*q == '\0')
			return;
	}
}

/*
 * Text laid out as written (a help topic): the first line (its title) alone,
 * blank lines kept, the lines of a paragraph at the margin filled to width,
 * and so the lines of a list item ("- "); any other indented line (a table
 * row) kept as it is, spaces inside it too (see add_layout_line).
 */
static void add_layout(char ***v, size_t *n, const char *text, int width)
{
	const char *p = text;
	struct ew_buf para = {0}, item = {0};
	size_t item_ind = 0;
	int first = 1;

	if (width < 30)
		width = 30;
	while (p && *p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p), ind = 0;
		char *line = ew_text_clean(p, len);

		p = e ? e + 1 : p + len;
		if (line == NULL)
			break;
		while (line[ind] == ' ')
			ind++;
		if (item.len && line[0] && ind == item_ind + 2 && line[ind] != '-') {
			/* The next line of a list item. */
			ew_buf_addc(&item, ' ');
			ew_buf_adds(&item, line + ind);
			free(line);
			continue;
		}
		if (item.len)
			add_layout_line(v, n, item.data, width);
		ew_buf_reset(&item);
		if (!first && ind == 0 && line[0] && !(line[0] == '-' && line[1] == ' ')) {
			/* A line of a paragraph at the margin: filled below. */
			if (para.len)
				ew_buf_addc(&para, ' ');
			ew_buf_adds(&para, line);
			free(line);
			continue;
		}
		if (para.len)
			add_wrapped(v, n, para.data, 0, width);
		ew_buf_reset(&para);
		first = 0;
		if (line[ind] == '-' && line[ind + 1] == ' ') {
			ew_buf_adds(&item, line);
			item_ind = ind;
		} else {
			add_layout_line(v, n, line, width);
		}
		free(line);
	}
	if (para.len)
		add_wrapped(v, n, para.data, 0, width);
	if (item.len)
		add_layout_line(v, n, item.data, width);
	ew_buf_reset(&para);
	ew_buf_reset(&item);
}

static const struct ew_step *step_of(size_t i)
{
	return i < ew_nsteps ? &ew_steps[i] : NULL;
}

/* ---- the worker ---- */

static void wake_ui(int fd)
{
	char b = 1;

	if (write(fd, &b, 1) < 0) {
		/* the UI also polls with a timeout while a job runs */
	}
}

static void job_took(void *arg, const struct ew_step *step, struct ew_step_result *res)
{
	struct job *j = arg;
	size_t i = (size_t)(step - ew_steps);

	pthread_mutex_lock(&j->mu);
	j->res[i] = res;
	j->got[i] = 1;
	pthread_mutex_unlock(&j->mu);
	wake_ui(j->wake_fd);
}

static void *worker(void *arg)
{
	struct job *j = arg;
	size_t ran;

	ran = ew_session_run_steps(j->session, &j->run, j->steps, j->n, job_took, j);
	pthread_mutex_lock(&j->mu);
	j->ran = ran;
	j->finished = 1;
	pthread_mutex_unlock(&j->mu);
	wake_ui(j->wake_fd);
	return NULL;
}

static void job_free(struct job *j)
{
	size_t i;

	for (i = 0; i < MAX_STEPS; i++)
		ew_step_result_free(&j->res[i]);
	pthread_mutex_destroy(&j->mu);
	free(j);
}

/* Runs steps (table places) on the worker; the session orders them. */
static void start_steps(struct ui *u, const size_t *places, size_t n, unsigned extra_flags)
{
	char names[256] = "";
	struct job *j;
	size_t i;

	if (u->w->view) {
		snprintf(u->message, sizeof(u->message), "A saved transcript: nothing runs here");
		return;
	}
	if (u->job || n == 0)
		return;
	j = calloc(1, sizeof(*j));
	if (j == NULL)
		return;
	atomic_init(&j->cancel, 0);
	pthread_mutex_init(&j->mu, NULL);
	for (i = 0; i < n && j->n < MAX_STEPS; i++) {
		j->steps[j->n++] = &ew_steps[places[i]];
		j->running[places[i]] = 1;
	}
	j->run = *u->w->run;
	j->run.flags |= extra_flags;
	j->run.cancel = &j->cancel;
	j->target = ew_target_dup(u->w->run->target);
	j->run.target = j->target;
	j->wake_fd = u->wake[1];
	j->session = u->w->session;
	if (j->target == NULL || pthread_create(&j->th, NULL, worker, j) != 0) {
		ew_target_free(&j->target);
		job_free(j);
		snprintf(u->message, sizeof(u->message), "cannot start the worker thread");
		return;
	}
	u->job = j;
	if (j->n == 1) {
		snprintf(u->message, sizeof(u->message), "Running %s... (Esc cancels)",
			 j->steps[0]->title);
		return;
	}
	for (i = 0; i < j->n; i++)
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			 i ? ", " : "", j->steps[i]->id);
	snprintf(u->message, sizeof(u->message), "Running %s... (Esc cancels)", names);
}

/* A step, after the first step when that has not run yet. */
static void start_job(struct ui *u, size_t step, unsigned extra_flags)
{
	size_t places[MAX_STEPS], n = 0, i;

	if (step >= ew_nsteps)
		return;
	for (i = 0; i < ew_nsteps; i++)
		if (i != step && (ew_steps[i].flags & EW_STEP_FIRST) && u->res[i] == NULL)
			places[n++] = i;
	places[n++] = step;
	start_steps(u, places, n, extra_flags);
}

/* Wait for the worker; the target it worked on becomes the wizard's. */
static void join_job(struct ui *u, struct job *j)
{
	struct ew_target tmp;

	pthread_join(j->th, NULL);
	tmp = *u->w->run->target;
	*u->w->run->target = *j->target;
	*j->target = tmp;
	ew_target_free(&j->target);
}

/* The results handed over so far; at the end of the job, the job. */
static void take_job(struct ui *u)
{
	struct job *j = u->job;
	char buf[16];
	size_t i, ran;
	int finished;

	if (j == NULL)
		return;
	while (read(u->wake[0], buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&j->mu);
	for (i = 0; i < ew_nsteps; i++) {
		if (!j->got[i])
			continue;
		j->got[i] = 0;
		j->running[i] = 0;
		if (j->res[i] == NULL)
			continue;
		ew_step_result_free(&u->res[i]);
		u->res[i] = j->res[i];
		j->res[i] = NULL;
		snprintf(u->message, sizeof(u->message), "%s: %s", ew_steps[i].title,
			 atomic_load(&j->cancel) ? "cancelled" : "done");
		if (i == u->cur) {
			u->sel = 0;
			u->top = 0;
		}
	}
	finished = j->finished;
	ran = j->ran;
	pthread_mutex_unlock(&j->mu);
	if (!finished)
		return;
	join_job(u, j);
	if (j->n > 1 && ran < j->n && !atomic_load(&j->cancel))
		snprintf(u->message, sizeof(u->message), "The other steps were not run: the "
			 "target cannot be diagnosed as given (e edits it)");
	else if (j->n > 1)
		snprintf(u->message, sizeof(u->message), "%zu steps: %s", ran,
			 atomic_load(&j->cancel) ? "cancelled" : "done");
	job_free(j);
	u->job = NULL;
	if (u->run_all) {
		u->run_all = 0;
		u->cur = ew_nsteps;	/* every step ran: the summary */
		u->sel = u->top = 0;
	}
}

/* ---- the report (for save and the summary) ---- */

static void rebuild_report(struct ui *u)
{
	struct ew_report *r = u->w->report;
	size_t i, k;

	if (u->w->view)
		return;	/* the saved report is what is shown */
	for (i = 0; i < r->nsteps; i++)
		ew_step_result_free(&r->steps[i]);
	r->nsteps = 0;
	json_decref(r->target);
	r->target = ew_target_to_json(u->w->run->target);
	for (i = 0; i < ew_nsteps; i++) {
		struct ew_step_result *c;
		json_t *f;

		if (u->res[i] == NULL)
			continue;
		c = ew_step_result_new(u->res[i]->id, u->res[i]->title);
		if (c == NULL)
			continue;
		c->status = u->res[i]->status;
		c->duration_ms = u->res[i]->duration_ms;
		c->setup = u->res[i]->setup;
		json_decref(c->data);
		c->data = json_deep_copy(u->res[i]->data);
		for (k = 0; k < u->res[i]->nfindings; k++) {
			char err[64];

			f = ew_finding_to_json(u->res[i]->findings[k]);
			ew_step_result_add(c, ew_finding_from_json(f, err, sizeof(err)));
			json_decref(f);
		}
		ew_report_add_step(r, c);
	}
}

static void save_report(struct ui *u)
{
	char path[4096], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	char *text;
	int fd;

	rebuild_report(u);
	text = ew_report_to_text(u->w->view ? u->w->view : u->w->report, 80);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm);
	if (u->w->transcript_path)
		snprintf(path, sizeof(path), "%.*s-report-%s.txt",
			 (int)(strlen(u->w->transcript_path) - 6), u->w->transcript_path, stamp);
	else
		snprintf(path, sizeof(path), "exwizard-report-%s.txt", stamp);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || text == NULL || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		snprintf(u->message, sizeof(u->message), "Could not save the report: %s",
			 fd < 0 ? strerror(errno) : "write failed");
	} else {
		snprintf(u->message, sizeof(u->message), "Report saved: %s", path);
		if (u->w->session)
			ew_session_action(u->w->session, "save report", path);
	}
	if (fd >= 0)
		close(fd);
	free(text);
}

/* ---- the step pane's content ---- */

/*
 * A step's data as lines. Columns are cut to fit width (marked), or with
 * whole set as wide as their values, for a sideways scroll to reach them.
 */
static void data_lines(const struct ui *u, size_t i, char ***v, size_t *n, int width, int whole)
{
	const char *mark = cut_mark(u);
	const json_t *d = u->res[i] ? u->res[i]->data : NULL;
	const char *id = ew_steps[i].id;
	json_t *x, *y;
	size_t k;

	if (d == NULL) {
		add_line(v, n, "Not run yet: press Enter to run this step.");
		return;
	}
	if (strcmp(id, "dns") == 0) {
		/* Columns as wide as their widest value; cut (and marked) to fit
		 * the pane unless shown whole for a sideways scroll. The server
		 * column holds "127.0.0.10" and "[::1]:5353" whole. */
		const json_t *recs = json_object_get(d, "records");
		size_t nw = 4, tw = 4, sw = 6, stw = 6, room;
		struct ew_buf h = {0};

		json_array_foreach(recs, k, x) {
			size_t c;

			if ((c = text_cols(json_string_value(json_object_get(x, "name")))) > nw)
				nw = c;
			if ((c = text_cols(json_string_value(json_object_get(x, "type")))) > tw)
				tw = c;
			if ((c = text_cols(json_string_value(json_object_get(x, "server")))) > sw)
				sw = c;
			if ((c = text_cols(json_string_value(json_object_get(x, "status")))) > stw)
				stw = c;
		}
		if (!whole) {
			if (tw > 5)
				tw = 5;
			if (sw > 15)
				sw = 15;
			if (stw > 8)
				stw = 8;
			room = width > (int)(tw + sw + stw + 4 + 16) ?
			       (size_t)width - (tw + sw + stw + 4) : 16;
			if (nw > room)
				nw = room;
		}
		add_cell(&h, "Name", nw, mark);
		ew_buf_addc(&h, ' ');
		add_cell(&h, "Type", tw, mark);
		ew_buf_addc(&h, ' ');
		add_cell(&h, "Server", sw, mark);
		ew_buf_addc(&h, ' ');
		add_cell(&h, "Status", stw, mark);
		ew_buf_adds(&h, " Answers");
		add_line(v, n, h.data);
		ew_buf_reset(&h);
		json_array_foreach(recs, k, x) {
			struct ew_buf b = {0};
			size_t a;

			add_cell(&b, json_string_value(json_object_get(x, "name")), nw, mark);
			ew_buf_addc(&b, ' ');
			add_cell(&b, json_string_value(json_object_get(x, "type")), tw, mark);
			ew_buf_addc(&b, ' ');
			add_cell(&b, json_string_value(json_object_get(x, "server")), sw, mark);
			ew_buf_addc(&b, ' ');
			add_cell(&b, json_string_value(json_object_get(x, "status")), stw, mark);
			ew_buf_addc(&b, ' ');
			json_array_foreach(json_object_get(x, "answers"), a, y) {
				if (a)
					ew_buf_adds(&b, ", ");
				ew_buf_adds(&b, json_string_value(y) ? json_string_value(y) : "");
			}
			add_line(v, n, b.data ? b.data : "");
			ew_buf_reset(&b);
		}
	} else if (strcmp(id, "tickets") == 0) {
		size_t sw = whole ? 0 : 38;

		add_line(v, n, "Cached tickets (klist / KerbTray):");
		json_array_foreach(json_object_get(d, "tickets"), k, x) {
			struct ew_buf b = {0};

			ew_buf_adds(&b, "  ");
			add_cell(&b, json_string_value(json_object_get(x, "server")), sw, mark);
			ew_buf_printf(&b, " %s ",
				      json_string_value(json_object_get(x, "endtime")) ?
				      json_string_value(json_object_get(x, "endtime")) : "-");
			add_cell(&b, json_string_value(json_object_get(x, "flag_letters")),
				 whole ? 0 : 5, mark);
			ew_buf_printf(&b, " %s %lld B",
				      json_string_value(json_object_get(x, "ticket_enctype")) ?
				      json_string_value(json_object_get(x, "ticket_enctype")) : "?",
				      (long long)json_integer_value(json_object_get(x, "ticket_size")));
			add_line(v, n, b.data ? b.data : "");
			ew_buf_reset(&b);
		}
		add_line(v, n, "Session tickets asked for:");
		json_array_foreach(json_object_get(d, "services"), k, x) {
			struct ew_buf b = {0};

			ew_buf_adds(&b, "  ");
			add_cell(&b, json_string_value(json_object_get(x, "spn")), sw, mark);
			ew_buf_addc(&b, ' ');
			add_cell(&b, json_string_value(json_object_get(x, "status")), whole ? 0 : 7,
				 mark);
			ew_buf_printf(&b, " %lld B %s",
				      (long long)json_integer_value(json_object_get(x, "ticket_size")),
				      json_string_value(json_object_get(x, "error")) ?
				      json_string_value(json_object_get(x, "error")) : "");
			add_line(v, n, b.data ? b.data : "");
			ew_buf_reset(&b);
		}
	} else if (strcmp(id, "groups") == 0) {
		const json_t *c = json_object_get(d, "counts");
		long legacy = (long)json_integer_value(json_object_get(d, "estimate_legacy"));
		long modern = (long)json_integer_value(json_object_get(d, "estimate_2012"));
		int gw = width - 30 > 10 ? width - 30 : 10, fill;
		char bar[256];

		add_linef(v, n, "global %lld  domain local %lld  universal %lld+%lld  builtin %lld",
			  (long long)json_integer_value(json_object_get(c, "global")),
			  (long long)json_integer_value(json_object_get(c, "domain_local")),
			  (long long)json_integer_value(json_object_get(c, "universal_in")),
			  (long long)json_integer_value(json_object_get(c, "universal_out")),
			  (long long)json_integer_value(json_object_get(c, "builtin")));
		/* The gauge: the estimate against 12,000 (older Windows) and 48,000. */
		if (gw > (int)sizeof(bar) - 1)
			gw = (int)sizeof(bar) - 1;
		fill = (int)(legacy * gw / 48000);
		if (fill > gw)
			fill = gw;
		for (k = 0; k < (size_t)gw; k++)
			bar[k] = (int)k < fill ? '#' : (int)k == gw / 4 ? '|' : '.';
		bar[gw] = '\0';
		add_linef(v, n, "2008R2 %6ld [%s] 48000", legacy, bar);
		add_linef(v, n, "2012   %6ld bytes; the | marks 12,000", modern);
		add_linef(v, n, "token SIDs %lld, measured TGT %lld B",
			  (long long)json_integer_value(json_object_get(d, "token_sids")),
			  (long long)json_integer_value(json_object_get(d, "measured_tgt_size")));
		json_array_foreach(json_object_get(d, "groups"), k, x)
			add_linef(v, n, "  %-12s %s", json_string_value(json_object_get(x, "scope")),
				  json_string_value(json_object_get(x, "path")) ?
				  json_string_value(json_object_get(x, "path")) :
				  json_string_value(json_object_get(x, "sid")));
	} else if (strcmp(id, "mailbox") == 0) {
		const char *key;

		json_object_foreach((json_t *)json_object_get(d, "attributes"), key, x)
			if (json_is_string(x))
				add_linef(v, n, "%s: %s", key, json_string_value(x));
		json_object_foreach((json_t *)json_object_get(d, "map"), key, x)
			add_linef(v, n, "map %s: %s", key, json_is_string(x) ?
				  json_string_value(x) : "-");
		json_array_foreach(json_object_get(json_object_get(d, "mover"), "rights"), k, x)
			add_linef(v, n, "mover on %s: %s", json_string_value(json_object_get(x, "object")),
				  json_string_value(json_object_get(x, "rights")) ?
				  json_string_value(json_object_get(x, "rights")) :
				  json_is_true(json_object_get(x, "granted")) ? "may write" :
				  "may not write");
	} else {
		char *s = json_dumps(d, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		char *p, *save = NULL;

		for (p = s ? strtok_r(s, "\n", &save) : NULL; p; p = strtok_r(NULL, "\n", &save))
			add_line(v, n, p);
		free(s);
	}
}

/* The summary: every finding above info, with its remedy. */
static void summary_lines(struct ui *u, char ***v, size_t *n, int width)
{
	unsigned c[EW_NSEVERITY];
	size_t i, k, stale = 0;
	int any = 0;

	rebuild_report(u);
	ew_report_summary(u->w->view ? u->w->view : u->w->report, c);
	{
		unsigned cut = ew_report_cancelled_steps(u->w->view ? u->w->view : u->w->report);

		add_linef(v, n, "%u fail, %u warn, %u info, %u pass, %u skip%s", c[EW_FAIL],
			  c[EW_WARN], c[EW_INFO], c[EW_PASS], c[EW_SKIP],
			  cut ? "; cancelled steps are not complete" : "");
	}
	/* Failures first, then warnings; a stale result is not listed. */
	for (i = 0; i < 2 * ew_nsteps; i++) {
		const struct ew_step_result *sr = u->res[i % ew_nsteps];
		enum ew_severity want = i < ew_nsteps ? EW_FAIL : EW_WARN;

		if (ew_step_result_is_stale(sr)) {
			stale += i < ew_nsteps;
			continue;
		}
		for (k = 0; sr && k < sr->nfindings; k++) {
			const struct ew_finding *f = sr->findings[k];

			if (f->severity != want)
				continue;
			any = 1;
			add_linef(v, n, "[%s] %s %s", ew_severity_tag(f->severity), f->check,
				  f->title);
			if (f->remedy)
				add_wrapped(v, n, f->remedy, 7, width);
		}
	}
	if (!any)
		add_line(v, n, "Nothing above info so far.");
	if (stale) {
		struct ew_buf b = {0};

		ew_buf_adds(&b, "STALE, run for an earlier target (their findings are not "
			    "listed; a runs them again):");
		for (i = 0; i < ew_nsteps; i++)
			if (ew_step_result_is_stale(u->res[i]))
				ew_buf_printf(&b, " %s", ew_steps[i].id);
		add_wrapped(v, n, b.data ? b.data : "STALE", 0, width);
		ew_buf_reset(&b);
	}
	{
		/* A path has no spaces to wrap at: on lines of its own, in pieces. */
		const char *tp = u->w->transcript_path ? u->w->transcript_path : "(none)";
		size_t len = strlen(tp), off;

		if ((int)len + 12 <= width || width < 10) {
			add_linef(v, n, "Transcript: %s", tp);
		} else {
			add_line(v, n, "Transcript:");
			for (off = 0; off < len; off += (size_t)width - 2)
				add_linef(v, n, "  %.*s", width - 2, tp + off);
		}
	}
	add_line(v, n, "s saves this report as text; q quits.");
}

/* ---- drawing ---- */

static void hline_at(const struct ui *u, int y, int x, int w)
{
	if (u->w->ascii)
		mvhline(y, x, '-', w);
	else
		mvhline(y, x, ACS_HLINE, w);
}

static void draw_header(const struct ui *u)
{
	const struct ew_target *t = u->w->run->target;
	const char *path = u->w->transcript_path;
	char line[4600];
	int room;

	if (u->w->view) {
		const json_t *vt = u->w->view->target;
		const char *realm = json_string_value(json_object_get(vt, "realm"));
		const char *user = json_string_value(json_object_get(vt, "user"));
		const char *ex = json_string_value(json_array_get(json_object_get(vt, "exchange"), 0));

		snprintf(line, sizeof(line), " exwizard | %s | %s | %s | VIEW (read-only) ",
			 realm ? realm : "?", user ? user : "no user", ex ? ex : "no Exchange");
	} else {
		snprintf(line, sizeof(line), " exwizard | %s | %s | %s | %s",
			 t->realm ? t->realm : "?", t->user ? t->user : "no user",
			 t->nexchange ? t->exchange[0] : "no Exchange", path ? "REC " : "not recorded");
	}
	/* The end of the transcript path is what tells it apart: keep that. */
	room = COLS - (int)strlen(line) - 1;
	if (path && room > 8 && (int)strlen(path) > room)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "...%s",
			 path + strlen(path) - (room - 3));
	else if (path)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s", path);
	attron(COLOR_PAIR(C_HEAD) | A_REVERSE);
	mvhline(0, 0, ' ', COLS);
	put(stdscr, 0, 0, COLS, line);
	attroff(COLOR_PAIR(C_HEAD) | A_REVERSE);
}

static void draw_steps(const struct ui *u, int lw)
{
	size_t i;
	int y = 2;

	mvaddnstr(1, 1, "Steps", lw - 1);
	for (i = 0; i <= ew_nsteps && y < LINES - 2; i++, y++) {
		const char *name = i < ew_nsteps ? ew_steps[i].id : "summary";
		const char *tag = i < ew_nsteps ? status_tag(u, i) : "";
		char buf[64];

		snprintf(buf, sizeof(buf), "%c %-9s %s", i == u->cur ? '>' : ' ', name, tag);
		if (i == u->cur)
			attron(u->pane == PANE_STEPS ? A_REVERSE : A_BOLD);
		if (i < ew_nsteps && u->res[i] && !job_runs(u, i))
			attron(COLOR_PAIR(sev_color(u->res[i]->status)));
		put(stdscr, y, 0, lw - 1, buf);
		attroff(A_REVERSE | A_BOLD | A_COLOR);
	}
	if (u->w->ascii)
		mvvline(1, lw, '|', LINES - 2);
	else
		mvvline(1, lw, ACS_VLINE, LINES - 2);
}

/*
 * A step's intro: the first whole sentences of its help topic's first
 * paragraph that fit in two lines (a long first sentence gets up to four);
 * never a sentence cut in the middle.
 */
#define INTRO_LINES 2
static void intro_lines(const char *body, const char *fallback, int w, char ***v, size_t *n)
{
	const char *end = body ? strstr(body, "\n\n") : NULL;
	size_t plen = body ? (end ? (size_t)(end - body) : strlen(body)) : 0, k, best = 0;

	for (k = 1; k <= plen; k++) {
		char *part, **tmp = NULL;
		size_t nt = 0;

		if (body[k - 1] != '.' || (k < plen && body[k] != ' ' && body[k] != '\n'))
			continue;
		part = strndup(body, k);
		if (part == NULL)
			break;
		add_wrapped(&tmp, &nt, part, 0, w);
		free(part);
		free_lines(tmp, nt);
		if (nt <= INTRO_LINES || (best == 0 && nt <= 2 * INTRO_LINES))
			best = k;
		if (nt > INTRO_LINES)
			break;
	}
	if (best) {
		char *part = strndup(body, best);

		add_wrapped(v, n, part ? part : fallback, 0, w);
		free(part);
	} else {
		add_wrapped(v, n, fallback, 0, w);
	}
}

/* Keeps *top so that the last of n lines is the last of rows shown. */
static void clamp_top(size_t *top, size_t n, int rows)
{
	size_t max = rows > 0 && n > (size_t)rows ? n - (size_t)rows : 0;

	if (*top > max)
		*top = max;
}

static void draw_pane(struct ui *u, int x, int w)
{
	char **lines = NULL;
	size_t n = 0, i;
	int y = 1, rows;

	if (u->cur == ew_nsteps) {
		char title[128];

		summary_lines(u, &lines, &n, w);
		rows = LINES - 2 - (y + 1);
		clamp_top(&u->top, n, rows);
		snprintf(title, sizeof(title), "Summary%s%s%s",
			 u->pane == PANE_FINDINGS ? " (j/k, PgUp/PgDn scroll)" : "",
			 u->top ? "  ^ more above" : "",
			 u->top + (size_t)rows < n ? "  v more below" : "");
		if (u->top + (size_t)rows < n && u->pane != PANE_FINDINGS)
			snprintf(title, sizeof(title), "Summary%s  v more below (Tab, then j)",
				 u->top ? "  ^ more above" : "");
		attron(A_BOLD);
		put(stdscr, y++, x, w, title);
		attroff(A_BOLD);
		for (i = u->top; i < n && y < LINES - 2; i++)
			put(stdscr, y++, x, w, lines[i]);
		free_lines(lines, n);
		return;
	}
	{
		const struct ew_step *s = step_of(u->cur);
		const struct ew_step_result *r = u->res[u->cur];
		char title[256];

		snprintf(title, sizeof(title), "%s%s%s", s->title, r ? "  " : "",
			 r ? status_tag(u, u->cur) : "");
		attron(A_BOLD);
		put(stdscr, y++, x, w, title);
		attroff(A_BOLD);
		{
			/* What it checks and why: the first lines of its help topic. */
			const struct ew_help_topic *ht = ew_help_find(s->help);
			const char *body = ht ? strchr(ht->text, '\n') : NULL;

			intro_lines(body ? body + 1 : NULL, s->summary, w, &lines, &n);
		}
		for (i = 0; i < n && i < 2 * INTRO_LINES; i++)
			put(stdscr, y++, x, w, lines[i]);
		free_lines(lines, n);
		lines = NULL;
		n = 0;
		hline_at(u, y++, x, w);
		rows = LINES - 2 - y;
		if (u->data_view) {
			data_lines(u, u->cur, &lines, &n, w, u->left > 0);
			clamp_top(&u->top, n, rows);
			{
				/* No further right than the end of the longest line. */
				size_t most = 0, c;

				for (i = 0; i < n; i++)
					if ((c = text_cols(lines[i])) > most)
						most = c;
				if (u->left + (size_t)w > most + 1)
					u->left = most + 1 > (size_t)w ? most + 1 - (size_t)w : 0;
			}
			for (i = u->top; i < n && rows-- > 0; i++) {
				char *l = fit_line(lines[i], u->left, (size_t)w, cut_mark(u));

				mvaddstr(y++, x, l ? l : "");
				free(l);
			}
			free_lines(lines, n);
			return;
		}
		if (r == NULL) {
			put(stdscr, y++, x, w, job_runs(u, u->cur) ?
			    "Running; the findings appear here." :
			    "Not run yet. Enter runs it; n and p move between steps.");
			if (u->cur == 0)
				put(stdscr, y++, x, w, "Enter (or e) edits the target: realm, user, "
				    "servers, login.");
			return;
		}
		{
			/* Whose credentials and which server; whether it is stale:
			 * wrapped, never cut. */
			char *who = ew_step_credentials_text(r), *stale = NULL;
			size_t first_stale;

			if (who)
				add_wrapped(&lines, &n, who, 0, w);
			first_stale = n;
			if (ew_step_result_is_stale(r)) {
				stale = ew_strprintf("STALE: run for %s. a runs it again.",
						     json_string_value(json_object_get(r->data,
										      "stale")));
				add_wrapped(&lines, &n, stale ? stale : "STALE", 0, w);
			}
			for (i = 0; i < n && rows > 0; i++, rows--) {
				if (i == first_stale)
					attron(A_BOLD);
				put(stdscr, y++, x, w, lines[i]);
			}
			attroff(A_BOLD);
			free_lines(lines, n);
			lines = NULL;
			n = 0;
			free(who);
			free(stale);
		}
		if (u->sel >= r->nfindings)
			u->sel = r->nfindings ? r->nfindings - 1 : 0;
		if (u->sel < u->top)
			u->top = u->sel;
		if (rows > 0 && u->sel >= u->top + (size_t)rows)
			u->top = u->sel - (size_t)rows + 1;
		for (i = u->top; i < r->nfindings && rows-- > 0; i++) {
			const struct ew_finding *f = r->findings[i];
			char line[1024];

			snprintf(line, sizeof(line), "[%s] %s %s", ew_severity_tag(f->severity),
				 f->check, f->title);
			if (i == u->sel && u->pane == PANE_FINDINGS)
				attron(A_REVERSE);
			attron(COLOR_PAIR(sev_color((enum ew_status)f->severity)));
			put(stdscr, y++, x, w, line);
			attroff(A_REVERSE | A_COLOR);
		}
	}
}

/*
 * The key bar: only the keys that work on the screen shown, long labels from
 * 100 columns. When they do not fit, the least important go first (the
 * highest rank); rank 0 (help, quit, close) always stays.
 */
struct keyitem {
	const char *lng, *shrt;
	int rank;
};

static int dns_cache_warns(const struct ui *u);

static size_t screen_keys(const struct ui *u, struct keyitem *k)
{
	size_t n = 0;
	int summary = u->cur == ew_nsteps;
	const struct ew_step_result *r = summary ? NULL : u->res[u->cur];

#define KEY(l, s, rk) (k[n++] = (struct keyitem){ (l), (s), (rk) })
	switch (u->ov) {
	case OV_FORM:
		KEY("Tab/Down next field", "Tab:next", 0);
		KEY("Up previous field", "Up:prev", 1);
		KEY("Enter apply", "Enter:apply", 0);
		KEY("Esc cancel", "Esc:cancel", 0);
		return n;
	case OV_CONFIRM_QUIT:
	case OV_CONFIRM_FLUSH:
		KEY("y yes", "y:yes", 0);
		KEY("n no", "n:no", 0);
		return n;
	case OV_TEXT:
		KEY("Esc/q close", "Esc/q:close", 0);
		KEY("j/k scroll", "j/k:scroll", 1);
		KEY("PgUp/PgDn page", "PgUp/PgDn", 2);
		if (!u->ov_help)
			KEY("F1/? help", "?:help", 1);
		return n;
	case OV_NONE:
		break;
	}
	KEY("F1/? help", "?:help", 0);
	if (!summary && (r ? r->nfindings > 0 : !u->w->view))
		KEY(r ? "Enter details" : "Enter run", r ? "Enter:details" : "Enter:run", 1);
	if (!summary && r && !u->w->view && !u->job)
		KEY("F5 re-run", "F5:rerun", 4);
	KEY("n/p next/prev", "n/p:step", 2);
	if (summary || (r && r->nfindings) || u->data_view)
		KEY(summary ? "Tab/j/k scroll" : "Tab pane", summary ? "Tab/j/k:scroll" : "Tab",
		    summary ? 1 : 4);
	if (!summary && r)
		KEY("d data", "d:data", 3);
	if (u->data_view)
		KEY("h/l sideways", "h/l:side", 3);
	if (!u->w->view && !u->job) {
		KEY("e edit", "e:edit", 3);
		KEY("a run all", "a:all", 2);
		if (dns_cache_warns(u))
			KEY("f flush DNS", "f:flush", 2);
	}
	KEY("s save", "s:save", 3);
	if (u->job)
		KEY("Esc cancel", "Esc:cancel", 0);
	KEY("q quit", "q:quit", 0);
#undef KEY
	return n;
}

static void draw_keys(const struct ui *u)
{
	struct keyitem k[16];
	size_t n = screen_keys(u, k), i;
	int lng = COLS >= 100, sep = lng ? 2 : 1, total;
	struct ew_buf b = {0};

	for (;;) {
		size_t drop = n;

		total = 1;
		for (i = 0; i < n; i++)
			total += (int)strlen(lng ? k[i].lng : k[i].shrt) + (i ? sep : 0);
		if (total <= COLS)
			break;
		for (i = 0; i < n; i++)
			if (k[i].rank > 0 && (drop == n || k[i].rank >= k[drop].rank))
				drop = i;
		if (drop == n)
			break;
		memmove(&k[drop], &k[drop + 1], (n - drop - 1) * sizeof(*k));
		n--;
	}
	ew_buf_addc(&b, ' ');
	for (i = 0; i < n; i++)
		ew_buf_printf(&b, "%s%s", i ? (lng ? "  " : " ") : "", lng ? k[i].lng : k[i].shrt);
	if (u->message[0])
		put(stdscr, LINES - 2, 1, COLS - 2, u->message);
	attron(A_REVERSE);
	mvhline(LINES - 1, 0, ' ', COLS);
	put(stdscr, LINES - 1, 0, COLS, b.data ? b.data : "");
	attroff(A_REVERSE);
	ew_buf_reset(&b);
}

static void draw_overlay(struct ui *u)
{
	int h = LINES - 4, w = COLS - 6, y0 = 2, x0 = 3, rows, i;
	size_t k;
	WINDOW *win;
	PANEL *pan;

	if (u->ov == OV_NONE || u->ov == OV_FORM)
		return;
	if (u->ov == OV_CONFIRM_QUIT || u->ov == OV_CONFIRM_FLUSH) {
		h = 5;
		y0 = LINES / 2 - 3;
	}
	win = newwin(h, w, y0, x0);
	if (win == NULL)
		return;
	pan = new_panel(win);
	werase(win);
	if (u->w->ascii)
		wborder(win, '|', '|', '-', '-', '+', '+', '+', '+');
	else
		box(win, 0, 0);
	wattron(win, A_BOLD);
	put(win, 0, 2, w - 4, u->ov_title);
	wattroff(win, A_BOLD);
	if (u->ov == OV_CONFIRM_QUIT) {
		put(win, 2, 2, w - 4, "A step is running. Stop it and quit? (y/n)");
	} else if (u->ov == OV_CONFIRM_FLUSH) {
		put(win, 1, 2, w - 4, "Flush the local DNS caches (dnsmasq, systemd-resolved, ...)");
		put(win, 2, 2, w - 4, "and look again? This changes the system; it is recorded. (y/n)");
	} else {
		rows = h - 2;
		for (i = 0, k = u->ov_top; k < u->ov_n && i < rows; i++, k++)
			put(win, 1 + i, 2, w - 4, u->ov_lines[k]);
	}
	update_panels();
	del_panel(pan);
	delwin(win);
}

static void draw(struct ui *u)
{
	int lw;

	erase();
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		/* The longest text whose words all fit, wrapped, in the window. */
		const char *const fmt[] = {
			"Terminal too small: %dx%d. exwizard needs at least %dx%d. "
			"Make the window larger, or press q to quit.",
			"Too small: %dx%d, needs %dx%d. Make it larger, or press q to quit.",
			"Too small (%dx%d, needs %dx%d). q quits.",
			"Too small. q quits.",
		};
		size_t f, i;

		u->too_small = 1;
		for (f = 0; f < sizeof(fmt) / sizeof(fmt[0]); f++) {
			char **lines = NULL, *msg;
			size_t n = 0;
			int fits = 1;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
			msg = ew_strprintf(fmt[f], COLS, LINES, MIN_COLS, MIN_LINES);
#pragma GCC diagnostic pop
			add_wrapped(&lines, &n, msg ? msg : "", 0, COLS);
			for (i = 0; i < n; i++)
				fits &= (int)strlen(lines[i]) <= COLS;
			if ((fits && (int)n <= LINES) || f + 1 == sizeof(fmt) / sizeof(fmt[0]))
				for (i = 0; i < n && (int)i < LINES; i++)
					mvaddnstr((LINES - (int)n) / 2 > 0 ? (LINES - (int)n) / 2 + (int)i :
						  (int)i, 0, lines[i], COLS);
			free_lines(lines, n);
			free(msg);
			if (fits && (int)n <= LINES)
				break;
		}
		refresh();
		return;
	}
	u->too_small = 0;
	lw = COLS >= 100 ? 24 : 18;
	draw_header(u);
	draw_steps(u, lw);
	draw_pane(u, lw + 2, COLS - lw - 3);
	draw_keys(u);
	wnoutrefresh(stdscr);
	draw_overlay(u);
	if (u->ov == OV_FORM && u->form_win) {
		touchwin(u->form_win);
		wnoutrefresh(u->form_win);
	}
	doupdate();
}

/* ---- overlays ---- */

static void close_overlay(struct ui *u)
{
	free_lines(u->ov_lines, u->ov_n);
	u->ov_lines = NULL;
	u->ov_n = u->ov_top = 0;
	u->ov_help = 0;
	u->ov = OV_NONE;
}

static void open_text(struct ui *u, const char *title)
{
	u->ov = OV_TEXT;
	u->ov_top = 0;
	snprintf(u->ov_title, sizeof(u->ov_title), " %s ", title);
}

static void open_help(struct ui *u)
{
	const struct ew_help_topic *t = NULL;
	const struct ew_step_result *r = u->cur < ew_nsteps ? u->res[u->cur] : NULL;

	close_overlay(u);
	if (u->pane == PANE_FINDINGS && r && u->sel < r->nfindings)
		t = ew_help_find(r->findings[u->sel]->help);
	if (t == NULL)
		t = ew_help_find(u->cur < ew_nsteps ? ew_steps[u->cur].help : "overview");
	if (t == NULL)
		return;
	add_layout(&u->ov_lines, &u->ov_n, t->text, COLS - 10);
	open_text(u, t->name);
	u->ov_help = 1;
}

static void open_details(struct ui *u)
{
	const struct ew_step_result *r = u->res[u->cur];
	const struct ew_finding *f;
	size_t i;
	int w = COLS - 10;

	if (r == NULL || u->sel >= r->nfindings)
		return;
	f = r->findings[u->sel];
	close_overlay(u);
	add_linef(&u->ov_lines, &u->ov_n, "[%s] %s", ew_severity_tag(f->severity), f->check);
	add_wrapped(&u->ov_lines, &u->ov_n, f->title, 0, w);
	if (f->detail) {
		add_line(&u->ov_lines, &u->ov_n, "");
		add_wrapped(&u->ov_lines, &u->ov_n, f->detail, 0, w);
	}
	if (f->nevidence) {
		add_line(&u->ov_lines, &u->ov_n, "");
		add_line(&u->ov_lines, &u->ov_n, "Evidence:");
		for (i = 0; i < f->nevidence; i++) {
			struct ew_buf e = {0};

			ew_buf_add_clean_max(&e, f->evidence[i], EW_TEXT_SHOW_MAX);
			add_wrapped(&u->ov_lines, &u->ov_n, e.data ? e.data : "", 2, w);
			ew_buf_reset(&e);
		}
	}
	if (f->remedy) {
		add_line(&u->ov_lines, &u->ov_n, "");
		add_line(&u->ov_lines, &u->ov_n, "Remedy:");
		add_wrapped(&u->ov_lines, &u->ov_n, f->remedy, 2, w);
	}
	add_line(&u->ov_lines, &u->ov_n, "");
	add_linef(&u->ov_lines, &u->ov_n, "F1 or ?: help on %s", f->help);
	open_text(u, "Details");
}

/* ---- the target form (ncurses form library) ---- */

static void form_open(struct ui *u)
{
	const struct ew_target *t = u->w->run->target;
	char exch[1024] = "";
	const char *vals[NFIELDS];
	int i, h = 2 * NFIELDS + 4, w = COLS - 8 > 76 ? 76 : COLS - 8;
	size_t k;

	for (k = 0; k < t->nexchange; k++) {
		if (k)
			strncat(exch, " ", sizeof(exch) - strlen(exch) - 1);
		strncat(exch, t->exchange[k], sizeof(exch) - strlen(exch) - 1);
	}
	vals[0] = t->realm;
	vals[1] = t->domain;
	vals[2] = t->user;
	vals[3] = exch;
	vals[4] = t->mover;
	vals[5] = t->dc;
	vals[6] = u->bind_dn ? "simple DN" : u->kinit_cache[0] ? "kinit NAME" : "cache";
	if (u->bind_dn) {
		static char shown[1100];

		snprintf(shown, sizeof(shown), "simple %s", u->bind_dn);
		vals[6] = shown;
	}
	for (i = 0; i < NFIELDS; i++) {
		u->fields[i] = new_field(1, w - 22, 1 + 2 * i, 19, 0, 0);
		set_field_back(u->fields[i], A_UNDERLINE);
		field_opts_off(u->fields[i], O_AUTOSKIP | O_STATIC);
		set_field_buffer(u->fields[i], 0, vals[i] ? vals[i] : "");
	}
	u->fields[NFIELDS] = NULL;
	u->form = new_form(u->fields);
	/* Backspace at the start of a field stays there instead of jumping back. */
	if (u->form)
		form_opts_off(u->form, O_BS_OVERLOAD | O_NL_OVERLOAD);
	u->form_win = newwin(h, w, (LINES - h) / 2 > 1 ? (LINES - h) / 2 : 1, (COLS - w) / 2);
	if (u->form == NULL || u->form_win == NULL)
		return;
	keypad(u->form_win, TRUE);
	set_form_win(u->form, u->form_win);
	u->form_sub = derwin(u->form_win, h - 2, w - 2, 1, 1);
	set_form_sub(u->form, u->form_sub);
	post_form(u->form);
	if (u->w->ascii)
		wborder(u->form_win, '|', '|', '-', '-', '+', '+', '+', '+');
	else
		box(u->form_win, 0, 0);
	mvwaddstr(u->form_win, 0, 2, " Target: Enter applies, Esc cancels ");
	for (i = 0; i < NFIELDS; i++)
		mvwaddstr(u->form_win, 2 + 2 * i, 2, form_labels[i]);
	mvwaddstr(u->form_win, h - 2, 2, "Login: cache | kinit PRINCIPAL | simple DN");
	u->form_panel = new_panel(u->form_win);
	u->ov = OV_FORM;
	curs_set(1);
}

static void form_close(struct ui *u)
{
	int i;

	if (u->form) {
		unpost_form(u->form);
		free_form(u->form);
	}
	for (i = 0; i < NFIELDS; i++)
		if (u->fields[i])
			free_field(u->fields[i]);
	if (u->form_panel)
		del_panel(u->form_panel);
	if (u->form_sub)
		delwin(u->form_sub);
	if (u->form_win)
		delwin(u->form_win);
	u->form = NULL;
	u->form_win = NULL;
	u->form_sub = NULL;
	u->form_panel = NULL;
	memset(u->fields, 0, sizeof(u->fields));
	u->ov = OV_NONE;
	curs_set(0);
}

static char *field_text(FIELD *f)
{
	char *s = ew_text_cleanz(field_buffer(f, 0)), *e;

	if (s == NULL)
		return NULL;
	for (e = s + strlen(s); e > s && e[-1] == ' '; e--)
		e[-1] = '\0';
	return s;
}

/* A password asked in a small window without echo (the form library, O_PUBLIC off). */
static int ask_password(struct ui *u, const char *who, char *out, size_t len)
{
	FIELD *f[2] = { new_field(1, 40, 2, 2, 0, 0), NULL };
	FORM *fm;
	WINDOW *win = newwin(5, 50, LINES / 2 - 2, (COLS - 50) / 2), *sub;
	int ch, rc = -1;
	char *v;

	ew_secret_protect_process();	/* no core file can hold it */
	if (f[0] == NULL || win == NULL)
		goto out;
	field_opts_off(f[0], O_PUBLIC | O_AUTOSKIP | O_STATIC);
	fm = new_form(f);
	sub = derwin(win, 4, 48, 1, 1);
	set_form_win(fm, win);
	set_form_sub(fm, sub);
	post_form(fm);
	if (u->w->ascii)
		wborder(win, '|', '|', '-', '-', '+', '+', '+', '+');
	else
		box(win, 0, 0);
	mvwaddnstr(win, 0, 2, " Password (not shown) ", 46);
	mvwaddnstr(win, 1, 2, who, 46);
	keypad(win, TRUE);
	nodelay(win, FALSE);
	wrefresh(win);
	while ((ch = wgetch(win)) != ERR) {
		if (ch == 27)
			break;
		if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
			form_driver(fm, REQ_VALIDATION);
			v = field_buffer(f[0], 0);
			snprintf(out, len, "%s", v);
			while (strlen(out) && out[strlen(out) - 1] == ' ')
				out[strlen(out) - 1] = '\0';
			explicit_bzero(v, strlen(v));
			rc = out[0] ? 0 : -1;
			break;
		}
		if (ch == KEY_BACKSPACE || ch == 127 || ch == 8)
			form_driver(fm, REQ_DEL_PREV);
		else if (ch >= 32 && ch < 127)
			form_driver(fm, ch);
	}
	unpost_form(fm);
	free_form(fm);
	delwin(sub);
out:
	if (f[0])
		free_field(f[0]);
	if (win)
		delwin(win);
	touchwin(stdscr);
	return rc;
}

/* A login chosen in the form, not yet in force. */
struct login {
	char kinit_cache[256];		/* a new TGT's private cache */
	char *bind_dn;			/* a simple bind */
	char bind_pw[1024];
};

static void login_discard(struct login *lg)
{
	if (lg->kinit_cache[0])
		ew_krb_destroy(lg->kinit_cache);
	free(lg->bind_dn);
	explicit_bzero(lg->bind_pw, sizeof(lg->bind_pw));
	memset(lg, 0, sizeof(*lg));
}

/*
 * "cache", "kinit PRINCIPAL" or "simple DN" into t (the edited copy) and lg;
 * nothing the session uses changes here. 0, or 1 with a message.
 */
static int stage_login(struct ui *u, struct ew_target *t, const char *v, struct login *lg,
		       char *err, size_t errlen)
{
	char pw[1024], principal[600];

	if (strcmp(v, "cache") == 0 || strncmp(v, "simple DN", 9) == 0 ||
	    strncmp(v, "kinit NAME", 10) == 0)
		return 0;	/* unchanged */
	if (strncmp(v, "kinit ", 6) == 0) {
		const char *who = v + 6;

		if (strchr(who, '@') == NULL && t->realm)
			snprintf(principal, sizeof(principal), "%s@%s", who, t->realm);
		else
			snprintf(principal, sizeof(principal), "%s", who);
		if (ask_password(u, principal, pw, sizeof(pw)) != 0) {
			snprintf(err, errlen, "no password given");
			return 1;
		}
		if (ew_krb_kinit(principal, pw, lg->kinit_cache, sizeof(lg->kinit_cache),
				 u->w->run->timeout_ms, u->w->run->tries, err, errlen) != 0) {
			explicit_bzero(pw, sizeof(pw));
			lg->kinit_cache[0] = '\0';
			return 1;
		}
		explicit_bzero(pw, sizeof(pw));
		if (ew_target_set_ccache(t, lg->kinit_cache, err, errlen) != 0)
			return 1;
		free(t->credentials);
		t->credentials = ew_strprintf("kinit %s (a private in-memory cache)", principal);
		/* A user taken from the old cache follows the new one. */
		if (t->user_source && strcmp(t->user_source, "ccache") == 0) {
			free(t->user);
			t->user = NULL;
			t->user_source = NULL;
		}
		return 0;
	}
	if (strncmp(v, "simple ", 7) == 0) {
		if (ask_password(u, v + 7, lg->bind_pw, sizeof(lg->bind_pw)) != 0) {
			snprintf(err, errlen, "no password given");
			return 1;
		}
		lg->bind_dn = strdup(v + 7);
		free(t->credentials);
		t->credentials = ew_strprintf("LDAP simple bind as %s over StartTLS", v + 7);
		return lg->bind_dn == NULL;
	}
	snprintf(err, errlen, "Login: give cache, kinit PRINCIPAL or simple DN");
	return 1;
}

/* The staged login in force; the one it replaces is ended. */
static void login_commit(struct ui *u, struct login *lg)
{
	if (lg->kinit_cache[0]) {
		if (u->kinit_cache[0])
			ew_krb_destroy(u->kinit_cache);
		snprintf(u->kinit_cache, sizeof(u->kinit_cache), "%s", lg->kinit_cache);
		lg->kinit_cache[0] = '\0';
	}
	if (lg->bind_dn) {
		free(u->bind_dn);
		u->bind_dn = lg->bind_dn;
		lg->bind_dn = NULL;
		memcpy(u->bind_pw, lg->bind_pw, sizeof(u->bind_pw));
		u->w->run->bind_dn = u->bind_dn;
		u->w->run->bind_password = u->bind_pw;
	}
	login_discard(lg);
}

/* Every field checked as on the command line, on a copy of the target. */
static int edit_target(struct ui *u, struct ew_target *t, char **v, struct login *lg,
		       char *err, size_t errlen)
{
	size_t k;

	if (v[0] && *v[0] && (!t->realm || strcmp(v[0], t->realm)) &&
	    ew_target_set_realm(t, v[0], err, errlen) != 0)
		return 1;
	if (v[1] && *v[1] && (!t->domain || strcmp(v[1], t->domain)) &&
	    ew_target_set_domain(t, v[1], err, errlen) != 0)
		return 1;
	if (v[2] && *v[2] && (!t->user || strcmp(v[2], t->user)) &&
	    ew_target_set_user(t, v[2], err, errlen) != 0)
		return 1;
	if (v[3]) {
		char *save = NULL, *tok, *copy = strdup(v[3]);
		int bad = copy == NULL;

		for (k = 0; k < t->nexchange; k++)
			free(t->exchange[k]);
		t->nexchange = 0;
		for (tok = copy ? strtok_r(copy, " ,", &save) : NULL; tok && !bad;
		     tok = strtok_r(NULL, " ,", &save))
			bad = ew_target_add_exchange(t, tok, err, errlen) != 0;
		free(copy);
		if (bad)
			return 1;
	}
	if (v[4] && *v[4] && ew_target_set_mover(t, v[4], err, errlen) != 0)
		return 1;
	if (v[5] && *v[5] && ew_target_set_dc(t, v[5], err, errlen) != 0)
		return 1;
	/* Last: a kinit asks for a password and the KDC, and only when the rest is good. */
	if (v[6] && *v[6])
		return stage_login(u, t, v[6], lg, err, errlen);
	return 0;
}

/*
 * All of the form or nothing: the fields go into a copy of the target, and
 * only when every one is good does the copy take the target's place. The
 * results computed for the target it replaces are then marked stale.
 */
static void form_apply(struct ui *u)
{
	struct ew_target *t = u->w->run->target, *nt, swap;
	struct login lg;
	char err[512] = "", *v[NFIELDS];
	json_t *before, *after;
	int i, bad, changed;
	size_t k;

	memset(&lg, 0, sizeof(lg));
	form_driver(u->form, REQ_VALIDATION);
	for (i = 0; i < NFIELDS; i++)
		v[i] = field_text(u->fields[i]);
	nt = ew_target_dup(t);
	bad = nt == NULL ? (snprintf(err, sizeof(err), "out of memory"), 1) :
	      edit_target(u, nt, v, &lg, err, sizeof(err));
	for (i = 0; i < NFIELDS; i++)
		free(v[i]);
	if (bad) {
		login_discard(&lg);
		ew_target_free(&nt);
		snprintf(u->message, sizeof(u->message), "Not applied, nothing was changed: %s",
			 err);
		return;
	}
	before = ew_target_to_json(t);
	after = ew_target_to_json(nt);
	changed = !json_equal(before, after);
	swap = *t;
	*t = *nt;
	*nt = swap;
	ew_target_free(&nt);
	login_commit(u, &lg);
	if (changed)
		for (k = 0; k < ew_nsteps; k++)
			ew_step_result_mark_stale(u->res[k], before);
	ew_session_input(u->w->session,
			 json_pack("{s:s, s:b, s:O, s:O}", "source", "form", "changed",
				   changed, "target", after, "before", before));
	json_decref(before);
	json_decref(after);
	form_close(u);
	start_job(u, 0, 0);
}

static void form_key(struct ui *u, int ch)
{
	switch (ch) {
	case 27:
		form_close(u);
		snprintf(u->message, sizeof(u->message), "Target unchanged");
		return;
	case '\n':
	case '\r':
	case KEY_ENTER:
		form_apply(u);
		return;
	case '\t':
	case KEY_DOWN:
		form_driver(u->form, REQ_NEXT_FIELD);
		form_driver(u->form, REQ_END_LINE);
		break;
	case KEY_BTAB:
	case KEY_UP:
		form_driver(u->form, REQ_PREV_FIELD);
		form_driver(u->form, REQ_END_LINE);
		break;
	case KEY_LEFT:
		form_driver(u->form, REQ_PREV_CHAR);
		break;
	case KEY_RIGHT:
		form_driver(u->form, REQ_NEXT_CHAR);
		break;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		form_driver(u->form, REQ_DEL_PREV);
		break;
	case KEY_DC:
		form_driver(u->form, REQ_DEL_CHAR);
		break;
	default:
		if (ch >= 32 && ch < 127)
			form_driver(u->form, ch);
	}
}

/* ---- keys ---- */

static int dns_cache_warns(const struct ui *u)
{
	const struct ew_step *dns = ew_step_find("dns");
	const struct ew_step_result *r = dns ? u->res[dns - ew_steps] : NULL;
	size_t i;

	for (i = 0; r && i < r->nfindings; i++)
		if (strcmp(r->findings[i]->check, EW_CK_DNS_CACHE) == 0 &&
		    r->findings[i]->severity == EW_WARN)
			return 1;
	return 0;
}

static void move_step(struct ui *u, int delta)
{
	if (delta < 0 && u->cur > 0)
		u->cur--;
	else if (delta > 0 && u->cur < ew_nsteps)
		u->cur++;
	u->sel = u->top = 0;
	u->data_view = 0;
	u->left = 0;
	u->message[0] = '\0';
	if (u->cur < ew_nsteps && u->res[u->cur] == NULL && !u->job)
		snprintf(u->message, sizeof(u->message), "Enter runs this step: %s",
			 ew_steps[u->cur].summary);
	else if (u->cur == ew_nsteps)
		snprintf(u->message, sizeof(u->message), "The summary of every step run so far");
}

/* Returns 1 to quit. */
static int key(struct ui *u, int ch)
{
	const struct ew_step_result *r = u->cur < ew_nsteps ? u->res[u->cur] : NULL;

	if (u->ov == OV_FORM) {
		form_key(u, ch);
		return 0;
	}
	if (u->ov == OV_CONFIRM_QUIT) {
		u->ov = OV_NONE;
		if (ch == 'y' || ch == 'Y') {
			if (u->job)
				atomic_store(&u->job->cancel, 1);
			return 1;
		}
		return 0;
	}
	if (u->ov == OV_CONFIRM_FLUSH) {
		u->ov = OV_NONE;
		if (ch == 'y' || ch == 'Y') {
			const struct ew_step *dns = ew_step_find("dns");

			ew_session_input(u->w->session,
					 json_pack("{s:s, s:s}", "source", "confirmation",
						   "text", "flush the local DNS caches"));
			start_job(u, (size_t)(dns - ew_steps), EW_RUN_FLUSH);
		} else {
			snprintf(u->message, sizeof(u->message), "Nothing flushed");
		}
		return 0;
	}
	if (u->ov == OV_TEXT) {
		switch (ch) {
		case 27: case 'q': case '\n': case '\r': case KEY_ENTER:
			close_overlay(u);
			break;
		case 'j': case KEY_DOWN:
			if (u->ov_top + 1 < u->ov_n)
				u->ov_top++;
			break;
		case 'k': case KEY_UP:
			if (u->ov_top)
				u->ov_top--;
			break;
		case ' ': case KEY_NPAGE:
			u->ov_top = u->ov_top + 10 < u->ov_n ? u->ov_top + 10 : u->ov_top;
			break;
		case KEY_PPAGE:
			u->ov_top = u->ov_top > 10 ? u->ov_top - 10 : 0;
			break;
		case KEY_F(1): case '?':
			open_help(u);
			break;
		}
		return 0;
	}
	switch (ch) {
	case 'q':
		if (u->job) {
			u->ov = OV_CONFIRM_QUIT;
			snprintf(u->ov_title, sizeof(u->ov_title), " Quit ");
			return 0;
		}
		return 1;
	case 27:
		u->run_all = 0;
		if (u->job) {
			atomic_store(&u->job->cancel, 1);
			snprintf(u->message, sizeof(u->message), "Cancelling...");
		}
		break;
	case KEY_F(1): case '?':
		open_help(u);
		break;
	case 'l': case 'h':
		/* Sideways in the data view: the columns shown whole. */
		if (!u->data_view) {
			snprintf(u->message, sizeof(u->message),
				 "h and l scroll the data view sideways: d shows it");
			break;
		}
		if (ch == 'l')
			u->left += 8;
		else
			u->left = u->left > 8 ? u->left - 8 : 0;
		break;
	case 'n': case KEY_RIGHT:
		move_step(u, 1);
		break;
	case 'p': case KEY_LEFT:
		move_step(u, -1);
		break;
	case '\t':
		u->pane = u->pane == PANE_STEPS &&
			  ((r && r->nfindings) || u->cur == ew_nsteps || u->data_view) ?
			  PANE_FINDINGS : PANE_STEPS;
		break;
	/* Pages and ends of the summary and the data (clamped when drawn). */
	case KEY_NPAGE: case ' ':
		if (u->data_view || u->cur == ew_nsteps)
			u->top += (size_t)(LINES > 8 ? LINES - 8 : 1);
		break;
	case KEY_PPAGE:
		if (u->data_view || u->cur == ew_nsteps)
			u->top = u->top > (size_t)(LINES - 8) ? u->top - (size_t)(LINES - 8) : 0;
		break;
	case KEY_HOME: case 'g':
		if (u->data_view || u->cur == ew_nsteps)
			u->top = 0;
		break;
	case KEY_END: case 'G':
		if (u->data_view || u->cur == ew_nsteps)
			u->top = (size_t)-1;
		break;
	case 'j': case KEY_DOWN:
		if (u->pane == PANE_STEPS)
			move_step(u, 1);
		else if (u->data_view || u->cur == ew_nsteps)
			u->top++;
		else if (r && u->sel + 1 < r->nfindings)
			u->sel++;
		break;
	case 'k': case KEY_UP:
		if (u->pane == PANE_STEPS)
			move_step(u, -1);
		else if (u->data_view || u->cur == ew_nsteps)
			u->top = u->top ? u->top - 1 : 0;
		else if (u->sel)
			u->sel--;
		break;
	case 'd':
		if (!u->data_view && (r == NULL || r->data == NULL)) {
			snprintf(u->message, sizeof(u->message), u->cur == ew_nsteps ?
				 "d shows a step's data: the summary has none (n, p choose a step)" :
				 "No data yet: Enter runs this step, then d shows what it gathered");
			break;
		}
		u->data_view = !u->data_view;
		u->top = 0;
		u->left = 0;
		break;
	case 'e':
		if (!u->job && !u->w->view)
			form_open(u);
		break;
	case 'f':
		if (u->w->view)
			snprintf(u->message, sizeof(u->message), "A saved transcript: nothing runs here");
		else if (u->job)
			snprintf(u->message, sizeof(u->message), "A step is running: f waits for it");
		else if (dns_cache_warns(u)) {
			u->ov = OV_CONFIRM_FLUSH;
			snprintf(u->ov_title, sizeof(u->ov_title), " Flush DNS caches ");
		} else
			snprintf(u->message, sizeof(u->message), "Nothing to flush: f is for when the "
				 "DNS step finds a local cache that disagrees (DNS-CACHE)");
		break;
	case 's':
		save_report(u);
		break;
	case 'a':
		/* Every step not run yet (or stale), side by side as `check` runs them. */
		if (!u->job && !u->w->view) {
			size_t places[MAX_STEPS], n = 0, i;

			for (i = 0; i < ew_nsteps; i++)
				if (u->res[i] == NULL || ew_step_result_is_stale(u->res[i]))
					places[n++] = i;
			if (n == 0) {
				snprintf(u->message, sizeof(u->message), "Every step has run: nothing "
					 "left for a (F5 runs the selected step again)");
				break;
			}
			u->cur = places[0];
			u->sel = u->top = 0;
			u->run_all = 1;
			start_steps(u, places, n, 0);
		} else {
			snprintf(u->message, sizeof(u->message), u->w->view ?
				 "A saved transcript: nothing runs here" :
				 "A step is running: a waits for it");
		}
		break;
	case KEY_F(5):
		if (u->cur < ew_nsteps)
			start_job(u, u->cur, 0);
		break;
	case '\n': case '\r': case KEY_ENTER:
		if (u->cur == ew_nsteps)
			break;
		/* The first entry is the target: Enter opens its form. */
		if (u->cur == 0 && u->pane == PANE_STEPS && !u->job && !u->w->view) {
			form_open(u);
			break;
		}
		if (r == NULL || u->pane == PANE_STEPS) {
			if (r == NULL)
				start_job(u, u->cur, 0);
			else if (r->nfindings) {
				u->pane = PANE_FINDINGS;
				open_details(u);
			}
		} else {
			open_details(u);
		}
		break;
	}
	return 0;
}

/* ---- set-up and the loop ---- */

static void colors(int on)
{
	if (!on || !has_colors())
		return;
	start_color();
	use_default_colors();
	init_pair(C_PASS, COLOR_GREEN, -1);
	init_pair(C_INFO, COLOR_CYAN, -1);
	init_pair(C_WARN, COLOR_YELLOW, -1);
	init_pair(C_FAIL, COLOR_RED, -1);
	init_pair(C_SKIP, -1, -1);
	init_pair(C_HEAD, COLOR_BLUE, -1);
}

/* stderr into a pipe while curses is up: library output must not reach the screen. */
static void capture_stderr(struct ui *u)
{
	u->saved_stderr = -1;
	if (pipe2(u->err_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		u->err_pipe[0] = u->err_pipe[1] = -1;
		return;
	}
	fflush(stderr);
	u->saved_stderr = dup(2);
	dup2(u->err_pipe[1], 2);
}

static void drain_stderr(struct ui *u)
{
	char buf[1024];
	ssize_t n;

	while (u->err_pipe[0] >= 0 && (n = read(u->err_pipe[0], buf, sizeof(buf) - 1)) > 0) {
		char *clean = ew_text_clean(buf, (size_t)n);

		if (clean && u->w->session)
			ew_session_note(u->w->session, "stderr", clean);
		free(clean);
	}
}

static void restore_stderr(struct ui *u)
{
	if (u->saved_stderr >= 0) {
		fflush(stderr);
		dup2(u->saved_stderr, 2);
		close(u->saved_stderr);
	}
	drain_stderr(u);
	if (u->err_pipe[0] >= 0) {
		close(u->err_pipe[0]);
		close(u->err_pipe[1]);
	}
}

int ew_wizard_run(struct ew_wizard *w)
{
	struct ui u;
	size_t i;
	int quit = 0;

	memset(&u, 0, sizeof(u));
	u.w = w;
	u.nsteps = ew_nsteps;
	if (ew_nsteps > MAX_STEPS || pipe2(u.wake, O_CLOEXEC | O_NONBLOCK) != 0)
		return -1;
	setlocale(LC_ALL, "");
	capture_stderr(&u);
	if (initscr() == NULL) {
		restore_stderr(&u);
		return -1;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	/* Home and End as tmux, screen and the Linux console send them, whatever TERM says. */
	define_key("\033[1~", KEY_HOME);
	define_key("\033[4~", KEY_END);
	define_key("\033[7~", KEY_HOME);
	define_key("\033[8~", KEY_END);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	colors(w->color);
	if (w->view) {
		/* A saved transcript: its step results, by id, in the table's places. */
		for (i = 0; i < ew_nsteps; i++) {
			size_t k, f;

			for (k = 0; k < w->view->nsteps; k++) {
				const struct ew_step_result *s = w->view->steps[k];
				char err[64];

				if (strcmp(s->id, ew_steps[i].id) != 0)
					continue;
				ew_step_result_free(&u.res[i]);
				u.res[i] = ew_step_result_new(s->id, s->title);
				if (u.res[i] == NULL)
					continue;
				u.res[i]->status = s->status;
				u.res[i]->duration_ms = s->duration_ms;
				u.res[i]->setup = s->setup;
				json_decref(u.res[i]->data);
				u.res[i]->data = json_deep_copy(s->data);
				for (f = 0; f < s->nfindings; f++) {
					json_t *j = ew_finding_to_json(s->findings[f]);

					ew_step_result_add(u.res[i],
							   ew_finding_from_json(j, err, sizeof(err)));
					json_decref(j);
				}
			}
		}
		snprintf(u.message, sizeof(u.message), "A saved transcript, read-only: %s",
			 w->transcript_path ? w->transcript_path : "");
	} else {
		/* The first frame at once; the target step (no network) fills the header. */
		start_job(&u, 0, 0);
	}
	draw(&u);
	while (!quit && !(w->quit && atomic_load(w->quit))) {
		struct pollfd p[3] = {
			{ .fd = 0, .events = POLLIN },
			{ .fd = u.wake[0], .events = POLLIN },
			{ .fd = u.err_pipe[0], .events = POLLIN },
		};
		int ch, changed = 0;

		if (poll(p, u.err_pipe[0] >= 0 ? 3 : 2, u.job ? 120 : -1) < 0 && errno != EINTR)
			break;
		if (u.job) {
			u.spin++;
			changed = 1;
		}
		if (p[1].revents)
			take_job(&u);
		if (p[2].revents)
			drain_stderr(&u);
		while ((ch = getch()) != ERR) {
			changed = 1;
			if (ch == KEY_RESIZE)
				continue;
			if (u.too_small && ch != 'q')
				continue;
			if (key(&u, ch)) {
				quit = 1;
				break;
			}
		}
		if (p[0].revents & (POLLHUP | POLLERR))
			break;	/* the terminal is gone (a lost SSH session) */
		if (changed || p[1].revents)
			draw(&u);
	}
	if (u.job) {
		atomic_store(&u.job->cancel, 1);
		join_job(&u, u.job);
		job_free(u.job);
		u.job = NULL;
	}
	if (u.ov == OV_FORM)
		form_close(&u);
	close_overlay(&u);
	endwin();
	restore_stderr(&u);
	rebuild_report(&u);
	for (i = 0; i < ew_nsteps; i++)
		ew_step_result_free(&u.res[i]);
	close(u.wake[0]);
	close(u.wake[1]);
	if (u.kinit_cache[0])
		ew_krb_destroy(u.kinit_cache);
	explicit_bzero(u.bind_pw, sizeof(u.bind_pw));
	if (w->run->bind_password == u.bind_pw) {
		w->run->bind_dn = NULL;
		w->run->bind_password = NULL;
	}
	free(u.bind_dn);
	return 0;
}
