/*
 * sweepreport.c - the sweep's report from its JSON: the text grouped by
 * cause, the CSV, the things not checked, and the findings a sweep's step
 * result carries.
 */
#include "sweepreport.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalogue.h"
#include "causes.h"
#include "finding.h"
#include "result.h"
#include "sweeprules.h"
#include "text.h"

static const char *jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static long long jint(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static int by_severity_account(const void *a, const void *b)
{
	const json_t *x = *(const json_t *const *)a, *y = *(const json_t *const *)b;
	int fx = strcmp(jstr(x, "severity"), "fail") == 0;
	int fy = strcmp(jstr(y, "severity"), "fail") == 0;

	if (fx != fy)
		return fy - fx;
	return strcasecmp(jstr(x, "account"), jstr(y, "account"));
}

/* The causes in the order of the report: the most problems first. */
static size_t causes_by_count(const json_t *counts, const char **out)
{
	size_t n = 0, i, j;

	for (i = 0; i < ew_sweep_ncauses; i++)
		if (jint(counts, ew_sweep_causes[i]) > 0)
			out[n++] = ew_sweep_causes[i];
	for (i = 1; i < n; i++)	/* stable: ties keep the catalogue's order */
		for (j = i; j > 0 && jint(counts, out[j]) > jint(counts, out[j - 1]); j--) {
			const char *t = out[j];

			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return n;
}

/* The host of an SPN ("exchangeRFR/ex55.exwiz.test" -> "ex55.exwiz.test"),
 * into buf; "" when it has none. */
static const char *spn_host(const char *spn, char *buf, size_t len)
{
	const char *h = spn ? strchr(spn, '/') : NULL;

	snprintf(buf, len, "%.*s", h ? (int)strcspn(h + 1, ":/") : 0, h ? h + 1 : "");
	return buf;
}

/* What to run for the first account of a cause, to see its diagnosis and
 * fix (spn: the SPN of its problem, for the SPN causes). */
static void next_step(struct ew_buf *b, const char *cause, const char *account, const char *spn)
{
	char host[256], *line = NULL;

	if (strcmp(cause, EW_CAUSE_SPN_DUPLICATE) == 0)
		line = ew_strprintf("For the fix: setspn -X (on Windows) lists the duplicates; "
				    "setspn -D %s ACCOUNT removes it from the account it does "
				    "not belong to", spn && *spn ? spn : "SPN");
	else if (strcmp(cause, EW_CAUSE_SPN_MISSING) == 0)
		line = ew_strprintf("For the fix: exwizard check -x %s tickets", *spn_host(spn, host,
				    sizeof(host)) ? host : "SERVER");
	else if (account && *account)
		line = ew_strprintf("For one of them, with the fix: exwizard check -u %s %s",
				    account, strncmp(cause, "mailbox", 7) == 0 ? "mailbox" :
				    "groups");
	if (line == NULL)
		return;
	ew_buf_adds(b, "    ");
	ew_buf_add_wrapped(b, line, 4, 6, 79);
	free(line);
}

char *ew_sweep_text(const json_t *report)
{
	const json_t *sw = json_object_get(report, "sweep"), *problems, *counts, *p, *v;
	const char *order[16];
	struct ew_buf b = { 0 };
	char n1[32], n2[32], n3[32];
	size_t i, j, k, nc;

	problems = json_object_get(report, "problems");
	counts = json_object_get(report, "counts");
	{
		struct ew_buf h = { 0 };

		ew_buf_printf(&h, "Sweep of %s: %s users (%s with a mailbox)",
			      jstr(sw, "base"), ew_thousands(jint(sw, "users"), n1),
			      ew_thousands(jint(sw, "mailboxes"), n2));
		if (json_object_get(sw, "groups"))
			ew_buf_printf(&h, ", %s groups", ew_thousands(jint(sw, "groups"), n3));
		if (json_object_get(sw, "spns"))
			ew_buf_printf(&h, ", %s SPNs", ew_thousands(jint(sw, "spns"), n1));
		ew_buf_printf(&h, "; %.1f s.", (double)jint(sw, "duration_ms") / 1000.0);
		ew_buf_add_wrapped(&b, h.data ? h.data : "", 0, 2, 79);
		ew_buf_reset(&h);
	}
	if (*jstr(sw, "read_as") || *jstr(sw, "dc"))
		ew_buf_printf(&b, "Read as %s from %s.\n", *jstr(sw, "read_as") ?
			      jstr(sw, "read_as") : "(not known)", jstr(sw, "dc"));
	if (json_is_true(json_object_get(sw, "partial"))) {
		ew_buf_adds(&b, "PARTIAL: ");
		ew_buf_add_wrapped(&b, jstr(sw, "covered"), 9, 9, 79);
	}
	json_array_foreach(json_object_get(sw, "notes"), i, v) {
		ew_buf_adds(&b, "Note: ");
		ew_buf_add_wrapped(&b, json_string_value(v) ? json_string_value(v) : "", 6, 6, 79);
	}
	nc = causes_by_count(counts, order);
	if (nc == 0)
		ew_buf_printf(&b, "\nNo problem found%s.\n",
			      json_is_true(json_object_get(sw, "partial")) ? " in what was covered" :
			      "");
	else
		ew_buf_printf(&b, "\nProblems: %zu (by cause, the largest first)\n",
			      json_array_size(problems));
	for (k = 0; k < nc; k++) {
		const struct ew_cause *def = ew_cause_find(order[k]);
		const char *first_account = NULL, *first_spn = NULL;

		{
			/* any SPN of the forest, not only Exchange's */
			const char *title = strcmp(order[k], EW_CAUSE_SPN_DUPLICATE) == 0 ?
					    "Two or more accounts hold the same SPN: the KDC "
					    "refuses it, or issues tickets for the wrong key" :
					    def ? def->title : "";
			char *head = ew_strprintf("%s: %lld  %s", order[k], jint(counts, order[k]),
						  title);

			ew_buf_addc(&b, '\n');
			ew_buf_add_wrapped(&b, head ? head : order[k], 0, 4, 79);
			free(head);
		}
		size_t np = 0, q;
		const json_t **of = calloc(json_array_size(problems) + 1, sizeof(*of));

		json_array_foreach(problems, i, p)
			if (of && strcmp(jstr(p, "cause"), order[k]) == 0)
				of[np++] = p;
		/* the failures first, then by account */
		if (of)
			qsort(of, np, sizeof(*of), by_severity_account);
		for (q = 0; q < np; q++) {
			p = of[q];
			if (first_account == NULL) {
				first_account = jstr(p, "account");
				first_spn = *jstr(p, "spn") ? jstr(p, "spn") :
					    json_string_value(json_array_get(json_object_get(p,
							      "evidence"), 0));
			}
			ew_buf_printf(&b, "  %-16s ", jstr(p, "account"));
			ew_buf_add_wrapped(&b, jstr(p, "title"), 19 > 3 + (int)strlen(jstr(p,
					   "account")) ? 19 : 3 + (int)strlen(jstr(p, "account")), 19, 79);
			/* the missing SPNs are the answer there; elsewhere the title
			 * says it (the evidence is in the JSON and the CSV) */
			if (strcmp(order[k], EW_CAUSE_SPN_MISSING) != 0)
				continue;
			json_array_foreach(json_object_get(p, "evidence"), j, v) {
				ew_buf_adds(&b, "                     ");
				ew_buf_add_wrapped(&b, json_string_value(v) ?
						   json_string_value(v) : "", 21, 23, 79);
			}
		}
		next_step(&b, order[k], first_account, first_spn);
		free(of);
	}
	if (json_array_size(json_object_get(report, "not_checked"))) {
		ew_buf_adds(&b, "\nNot checked (not readable is not absent):\n");
		json_array_foreach(json_object_get(report, "not_checked"), i, p) {
			ew_buf_adds(&b, "  ");
			ew_buf_add_wrapped(&b, jstr(p, "text"), 2, 4, 79);
		}
	}
	if (json_array_size(json_object_get(report, "largest_tokens"))) {
		ew_buf_adds(&b, "\nLargest tokens (SIDs; estimate up to 2008 R2 / from 2012, bytes):\n");
		json_array_foreach(json_object_get(report, "largest_tokens"), i, p) {
			char e1[32], e2[32];

			ew_buf_printf(&b, "  %-20s %6s SIDs  %9s / %s%s\n", jstr(p, "account"),
				      ew_thousands(jint(p, "sids"), n1),
				      ew_thousands(jint(p, "estimate_legacy"), e1),
				      ew_thousands(jint(p, "estimate_2012"), e2),
				      json_is_true(json_object_get(p, "delegation")) ?
				      "  (delegation: doubled)" : "");
		}
	}
	return ew_buf_take(&b);
}

static void csv_field(struct ew_buf *b, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		ew_buf_adds(b, s);
		return;
	}
	ew_buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			ew_buf_addc(b, '"');
		ew_buf_addc(b, *s);
	}
	ew_buf_addc(b, '"');
}

char *ew_sweep_csv(const json_t *report)
{
	struct ew_buf b = { 0 };
	const json_t *p, *v;
	size_t i, j;

	ew_buf_adds(&b, "account,dn,cause,title,evidence\r\n");
	json_array_foreach(json_object_get(report, "problems"), i, p) {
		struct ew_buf ev = { 0 };

		csv_field(&b, jstr(p, "account"));
		ew_buf_addc(&b, ',');
		csv_field(&b, jstr(p, "dn"));
		ew_buf_addc(&b, ',');
		csv_field(&b, jstr(p, "cause"));
		ew_buf_addc(&b, ',');
		csv_field(&b, jstr(p, "title"));
		ew_buf_addc(&b, ',');
		json_array_foreach(json_object_get(p, "evidence"), j, v)
			ew_buf_printf(&ev, "%s%s", j ? "; " : "",
				      json_string_value(v) ? json_string_value(v) : "");
		csv_field(&b, ev.data ? ev.data : "");
		ew_buf_reset(&ev);
		ew_buf_adds(&b, "\r\n");
	}
	return ew_buf_take(&b);
}

/* One thing not checked: what could not be read, for how many users (or,
 * unit "objects", how many objects of it), the causes not judged for them. */
void ew_sweep_not_checked(json_t *arr, const char *what, const char *unit, long users,
			  const char *const *causes, size_t ncauses, const char *fmt, ...)
{
	json_t *o, *c = json_array();
	va_list ap;
	char *text;
	size_t i;

	if (users <= 0 || c == NULL) {
		json_decref(c);
		return;
	}
	va_start(ap, fmt);
	text = ew_vstrprintf_clean(fmt, ap);
	va_end(ap);
	for (i = 0; i < ncauses; i++)
		json_array_append_new(c, json_string(causes[i]));
	o = json_pack("{s:s, s:I, s:o, s:s}", "what", what, unit, (json_int_t)users, "causes",
		      c, "text", text ? text : "");
	free(text);
	if (o)
		json_array_append_new(arr, o);
}

/* One finding per cause found (the accounts as evidence), a skip per thing
 * not checked, a skip when stopped. */
void ew_sweep_findings(struct ew_step_result *res, const json_t *problems, const json_t *nc,
			 const json_t *sw)
{
	const json_t *p;
	size_t i, k;

	for (k = 0; k < ew_sweep_ncauses; k++) {
		const struct ew_cause *def = ew_cause_find(ew_sweep_causes[k]);
		struct ew_finding *f = NULL;
		enum ew_severity sev = EW_WARN;
		size_t n = 0;

		json_array_foreach(problems, i, p)
			if (strcmp(json_string_value(json_object_get(p, "cause")),
				   ew_sweep_causes[k]) == 0) {
				n++;
				if (strcmp(json_string_value(json_object_get(p, "severity")) ?
					   json_string_value(json_object_get(p, "severity")) : "",
					   "fail") == 0)
					sev = EW_FAIL;
			}
		if (n == 0)
			continue;
		/* The cause by its id in the title, not as the finding's cause: the
		 * accounts are others than the user under diagnosis. */
		f = ew_finding_new(EW_CK_SWEEP_DOMAIN, sev, "%zu account%s: %s (%s)", n,
				   n == 1 ? "" : "s", def ? def->title : ew_sweep_causes[k],
				   ew_sweep_causes[k]);
		if (f == NULL)
			continue;
		n = 0;
		json_array_foreach(problems, i, p) {
			if (strcmp(json_string_value(json_object_get(p, "cause")),
				   ew_sweep_causes[k]) != 0)
				continue;
			if (n++ < 50)
				ew_finding_evidence(f, "%s: %s",
						    json_string_value(json_object_get(p, "account")),
						    json_string_value(json_object_get(p, "title")));
		}
		if (n > 50)
			ew_finding_evidence(f, "and %zu more", n - 50);
		ew_step_result_add(res, f);
	}
	json_array_foreach(nc, i, p)
		ew_step_result_add(res, ew_finding_new(EW_CK_SWEEP_DOMAIN, EW_SKIP, "%s",
						       json_string_value(json_object_get(p, "text"))));
	if (json_is_true(json_object_get(sw, "partial")))
		ew_step_result_add(res, ew_finding_new(EW_CK_SWEEP_DOMAIN, EW_SKIP, "Partial: %s",
						       json_string_value(json_object_get(sw,
									 "covered"))));
}
