/*
 * The target form (the ncurses form library): realm, domain, user, Exchange
 * servers, mover, DC, login and symptoms, applied all or nothing; a password asked
 * without echo; a kinit or a simple bind staged until the form applies.
 */
#define _XOPEN_SOURCE_EXTENDED 1
#include "wizui.h"

#include <form.h>
#include <jansson.h>
#include <ncurses.h>
#include <panel.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "krb.h"
#include "login.h"
#include "secret.h"
#include "text.h"

static const char *const form_labels[NFIELDS] = { "Realm", "AD domain", "User",
						  "Exchange servers", "Mover", "DC",
						  "Login", "Symptoms", "Compare with" };

void ew_wiz_form_open(struct ui *u)
{
	const struct ew_target *t = u->w->run->target;
	char exch[1024] = "", sym[1024] = "";
	const char *vals[NFIELDS];
	int i, h = 2 * NFIELDS + 3, w = COLS - 8 > 76 ? 76 : COLS - 8;
	size_t k;

	for (k = 0; k < t->nexchange; k++) {
		if (k)
			strncat(exch, " ", sizeof(exch) - strlen(exch) - 1);
		strncat(exch, t->exchange[k], sizeof(exch) - strlen(exch) - 1);
	}
	for (k = 0; k < t->nsymptoms; k++) {
		if (k)
			strncat(sym, " ", sizeof(sym) - strlen(sym) - 1);
		strncat(sym, t->symptoms[k], sizeof(sym) - strlen(sym) - 1);
	}
	vals[7] = sym;
	vals[8] = t->compare;
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
	ew_wiz_box(u, u->form_win);
	mvwaddstr(u->form_win, 0, 2, " Target: Enter applies, Esc cancels ");
	for (i = 0; i < NFIELDS; i++)
		mvwaddstr(u->form_win, 2 + 2 * i, 2, form_labels[i]);
	mvwaddstr(u->form_win, h - 2, 2, "Login: cache | kinit PRINCIPAL | simple DN   Symptoms: help symptoms");
	u->form_panel = new_panel(u->form_win);
	u->ov = OV_FORM;
	curs_set(1);
}

void ew_wiz_form_close(struct ui *u)
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

/*
 * A password asked in a small window without echo (the form library,
 * O_PUBLIC off), straight into pw (locked). The form library's own copies
 * (the field's hidden window, its cells, its working window and the string
 * field_buffer made) are blanked before they are freed. 0, or -1 (Esc, or
 * nothing typed).
 */
static int ask_password(struct ui *u, const char *who, struct ew_secret *pw)
{
	FIELD *f[2] = { new_field(1, 40, 2, 2, 0, 0), NULL };
	FORM *fm = NULL;
	WINDOW *win = newwin(5, 50, LINES / 2 - 2, (COLS - 50) / 2), *sub = NULL;
	int ch, rc = -1;
	char *v, err[64];
	size_t n;

	ew_secret_protect_process();	/* no core file can hold it */
	if (f[0] == NULL || win == NULL)
		goto cleanup;
	field_opts_off(f[0], O_PUBLIC | O_AUTOSKIP | O_STATIC);
	fm = new_form(f);
	sub = derwin(win, 4, 48, 1, 1);
	if (fm == NULL || sub == NULL)
		goto cleanup;
	set_form_win(fm, win);
	set_form_sub(fm, sub);
	post_form(fm);
	ew_wiz_box(u, win);
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
			if (v == NULL)
				break;
			for (n = strlen(v); n > 0 && v[n - 1] == ' '; n--)
				;
			rc = ew_secret_from_text(pw, v, n, err, sizeof(err));
			explicit_bzero(v, strlen(v));
			break;
		}
		if (ch == KEY_BACKSPACE || ch == 127 || ch == 8)
			form_driver(fm, REQ_DEL_PREV);
		else if (ch >= 32 && ch < 127)
			form_driver(fm, ch);
	}
	/* Blanks over the cells and the hidden window; field_buffer clears
	 * its working window again (and what it returns is blank). */
	set_field_buffer(f[0], 0, "");
	field_buffer(f[0], 0);
	unpost_form(fm);
cleanup:
	if (fm)
		free_form(fm);
	if (sub)
		delwin(sub);
	if (f[0])
		free_field(f[0]);
	if (win)
		delwin(win);
	touchwin(stdscr);
	return rc;
}

/* A login chosen in the form, not yet in force. */
struct login {
	char principal[600];		/* a kinit asked for, */
	struct ew_secret pw;		/* with this password, until the KDC has it */
	char kinit_cache[256];		/* the new TGT's private cache */
	char *bind_dn;			/* a simple bind */
	struct ew_secret bind_pw;
};

static void login_discard(struct login *lg)
{
	if (lg->kinit_cache[0])
		ew_krb_destroy(lg->kinit_cache);
	ew_secret_wipe(&lg->pw);
	free(lg->bind_dn);
	ew_secret_wipe(&lg->bind_pw);
	memset(lg, 0, sizeof(*lg));
}

/*
 * "cache", "kinit PRINCIPAL" or "simple DN" into t (the edited copy) and lg;
 * nothing the session uses changes here, and the KDC is not asked yet (a
 * kinit is left in lg->principal with its password). 0, or 1 with a message.
 */
static int stage_login(struct ui *u, struct ew_target *t, const char *v, struct login *lg,
		       char *err, size_t errlen)
{
	if (strcmp(v, "cache") == 0 || strncmp(v, "simple DN", 9) == 0 ||
	    strncmp(v, "kinit NAME", 10) == 0)
		return 0;	/* unchanged */
	if (strncmp(v, "kinit ", 6) == 0) {
		ew_login_principal(t, v + 6, lg->principal, sizeof(lg->principal));
		if (ask_password(u, lg->principal, &lg->pw) != 0) {
			snprintf(err, errlen, "no password given");
			return 1;
		}
		return 0;
	}
	if (strncmp(v, "simple ", 7) == 0) {
		if (ask_password(u, v + 7, &lg->bind_pw) != 0) {
			snprintf(err, errlen, "no password given");
			return 1;
		}
		lg->bind_dn = strdup(v + 7);
		if (lg->bind_dn == NULL || ew_login_use_simple(t, v + 7, 0) != 0) {
			snprintf(err, errlen, "out of memory");
			return 1;
		}
		return 0;
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
		ew_secret_wipe(&u->bind_pw);
		u->bind_pw = lg->bind_pw;	/* the locked page changes hands */
		lg->bind_pw.buf = NULL;
		lg->bind_pw.len = 0;
		u->w->run->bind_dn = u->bind_dn;
		u->w->run->bind_password = u->bind_pw.buf;
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
	/* Symptom ids separated by spaces, checked as --symptom; empty: none. */
	if (v[7] && ew_target_set_symptoms(t, v[7], err, errlen) != 0)
		return 1;
	/* Another user beside this one, as --compare; empty: none. Its mover
	 * and cache belonged to the user it names: another drops them. */
	if (v[8] && (t->compare == NULL || strcmp(v[8], t->compare) != 0)) {
		if (*v[8] && ew_target_set_compare(t, v[8], err, errlen) != 0)
			return 1;
		if (*v[8] && t->user && ew_same_account(t->user, v[8], NULL)) {
			snprintf(err, errlen, "Compare with: %s is the user itself; give another "
				 "account, one for whom it works", v[8]);
			return 1;
		}
		if (*v[8] == '\0') {
			free(t->compare);
			t->compare = NULL;
		}
		free(t->compare_mover);
		free(t->compare_ccache);
		t->compare_mover = t->compare_ccache = NULL;
	}
	/* Last: a login asks for a password, and only when the rest is good. */
	if (v[6] && *v[6])
		return stage_login(u, t, v[6], lg, err, errlen);
	return 0;
}

/*
 * The edited target nt takes the target's place, with the staged login; the
 * results computed for the target it replaces are then marked stale, and
 * the target step runs for the new one.
 */
static void form_commit(struct ui *u, struct ew_target *nt, struct login *lg)
{
	struct ew_target *t = u->w->run->target, swap;
	json_t *before, *after;
	int changed, compare_changed;
	size_t k;

	before = ew_target_to_json(t);
	after = ew_target_to_json(nt);
	{
		/* Symptoms change the ranking, not what the steps found: the
		 * results stay. */
		json_t *b0 = json_deep_copy(before), *a0 = json_deep_copy(after);

		json_object_del(b0, "symptoms");
		json_object_del(a0, "symptoms");
		/* Another user to compare with: only that user's results are old. */
		compare_changed = !json_equal(json_object_get(b0, "compare"),
					      json_object_get(a0, "compare"));
		json_object_del(b0, "compare");
		json_object_del(a0, "compare");
		changed = !json_equal(b0, a0);
		json_decref(b0);
		json_decref(a0);
	}
	swap = *t;
	*t = *nt;
	*nt = swap;
	ew_target_free(&nt);
	login_commit(u, lg);
	if (changed) {
		for (k = 0; k < ew_nsteps; k++)
			ew_step_result_mark_stale(u->res[k], before);
		ew_wiz_compare_drop(u);	/* it compared checks of the target replaced */
	}
	for (k = 0; k < ew_nsteps && (changed || compare_changed); k++)
		ew_step_result_free(&u->cres[k]);
	ew_wiz_results_changed(u);
	ew_session_input(u->w->session,
			 json_pack("{s:s, s:b, s:O, s:O}", "source", "form", "changed",
				   changed, "target", after, "before", before));
	json_decref(before);
	json_decref(after);
	ew_wiz_form_close(u);
	ew_wiz_start_job(u, 0, 0);
}

/*
 * A kinit from the form, on the worker: the UI stays live and Esc cancels
 * it. The edited target waits here; the worker touches only principal, pw,
 * the cache's name and the outcome.
 */
struct form_kinit {
	struct ew_target *nt;
	struct login lg;
	int timeout_ms, tries;
	int rc;
	char err[512];
};

static void kinit_task(void *arg, atomic_int *cancel)
{
	struct form_kinit *k = arg;

	k->rc = ew_login_kinit(k->lg.principal, &k->lg.pw, k->timeout_ms, k->tries, cancel,
			       k->lg.kinit_cache, sizeof(k->lg.kinit_cache), k->err,
			       sizeof(k->err));
}

/* Back on the UI thread: the form applies with the new cache, or nothing changes. */
static void kinit_done(struct ui *u, void *arg, int cancelled)
{
	struct form_kinit *k = arg;

	if (cancelled)
		snprintf(u->message, sizeof(u->message),
			 "Cancelled: no ticket for %s; nothing was changed", k->lg.principal);
	else if (k->rc != 0)
		snprintf(u->message, sizeof(u->message), "Not applied, nothing was changed: %s",
			 k->err);
	else if (ew_login_use_cache(k->nt, k->lg.principal, k->lg.kinit_cache, 0, k->err,
				    sizeof(k->err)) != 0)
		snprintf(u->message, sizeof(u->message), "Not applied, nothing was changed: %s",
			 k->err);
	else {
		form_commit(u, k->nt, &k->lg);
		k->nt = NULL;
	}
	login_discard(&k->lg);	/* a cache not taken is destroyed */
	ew_target_free(&k->nt);
	free(k);
}

static void kinit_start(struct ui *u, struct ew_target *nt, struct login *lg)
{
	struct form_kinit *k = calloc(1, sizeof(*k));

	if (k == NULL) {
		login_discard(lg);
		ew_target_free(&nt);
		snprintf(u->message, sizeof(u->message), "Not applied: out of memory");
		return;
	}
	k->nt = nt;
	k->lg = *lg;	/* the locked password page changes hands */
	memset(lg, 0, sizeof(*lg));
	k->timeout_ms = u->w->run->timeout_ms;
	k->tries = u->w->run->tries;
	if (ew_wiz_start_task(u, kinit_task, kinit_done, k) != 0) {
		login_discard(&k->lg);
		ew_target_free(&k->nt);
		free(k);
		snprintf(u->message, sizeof(u->message), "Not applied: cannot start the worker");
		return;
	}
	snprintf(u->message, sizeof(u->message), "Getting a ticket for %s... (Esc cancels)",
		 k->lg.principal);
}

/* The kinit of the form is under way (on the worker). */
static struct form_kinit *kinit_running(const struct ui *u)
{
	return u->job && u->job->task == kinit_task ? u->job->arg : NULL;
}

/*
 * All of the form or nothing: the fields go into a copy of the target, and
 * only when every one is good (and a kinit has its ticket) does the copy
 * take the target's place.
 */
static void form_apply(struct ui *u)
{
	struct ew_target *nt;
	struct login lg;
	char err[512] = "", *v[NFIELDS];
	int i, bad;

	memset(&lg, 0, sizeof(lg));
	form_driver(u->form, REQ_VALIDATION);
	for (i = 0; i < NFIELDS; i++)
		v[i] = field_text(u->fields[i]);
	nt = ew_target_dup(u->w->run->target);
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
	if (lg.principal[0])
		kinit_start(u, nt, &lg);
	else
		form_commit(u, nt, &lg);
}

void ew_wiz_form_draw(struct ui *u)
{
	static const char *const spin[] = { "|", "/", "-", "\\" };
	const struct form_kinit *k = kinit_running(u);
	int h, w;

	if (u->form_win == NULL)
		return;
	getmaxyx(u->form_win, h, w);
	wmove(u->form_win, h - 2, 2);
	wclrtoeol(u->form_win);
	ew_wiz_box(u, u->form_win);
	mvwaddstr(u->form_win, 0, 2, " Target: Enter applies, Esc cancels ");
	if (k) {
		char line[700];

		snprintf(line, sizeof(line), "%s Getting a ticket for %s", spin[u->spin % 4],
			 k->lg.principal);
		ew_wiz_put(u->form_win, h - 2, 2, w - 4, line);
	} else {
		ew_wiz_put(u->form_win, h - 2, 2, w - 4,
			   "Login: cache | kinit PRINCIPAL | simple DN   Symptoms: help symptoms");
	}
	touchwin(u->form_win);
	wnoutrefresh(u->form_win);
}

void ew_wiz_form_key(struct ui *u, int ch)
{
	if (u->job) {
		/* A kinit of the form runs: Esc stops it, other keys wait. */
		if (ch == 27 && kinit_running(u)) {
			atomic_store(&u->job->cancel, 1);
			snprintf(u->message, sizeof(u->message), "Cancelling the ticket request...");
		}
		return;
	}
	switch (ch) {
	case 27:
		ew_wiz_form_close(u);
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
