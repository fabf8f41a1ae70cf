/*
 * The target form (the ncurses form library): realm, domain, user, Exchange
 * servers, mover, DC and login, applied all or nothing; a password asked
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
#include "secret.h"
#include "text.h"
#include "transcript.h"

static const char *const form_labels[NFIELDS] = { "Realm", "AD domain", "User",
						  "Exchange servers", "Mover", "DC",
						  "Login" };

void ew_wiz_form_open(struct ui *u)
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
	ew_wiz_box(u, u->form_win);
	mvwaddstr(u->form_win, 0, 2, " Target: Enter applies, Esc cancels ");
	for (i = 0; i < NFIELDS; i++)
		mvwaddstr(u->form_win, 2 + 2 * i, 2, form_labels[i]);
	mvwaddstr(u->form_win, h - 2, 2, "Login: cache | kinit PRINCIPAL | simple DN");
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
	if (u->w->run->transcript)
		ew_transcript_event(u->w->run->transcript, "input",
				    json_pack("{s:s, s:b, s:O, s:O}", "source", "form", "changed",
					      changed, "target", after, "before", before));
	json_decref(before);
	json_decref(after);
	ew_wiz_form_close(u);
	ew_wiz_start_job(u, 0, 0);
}

void ew_wiz_form_key(struct ui *u, int ch)
{
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
