/*
 * libFuzzer target: pasted client output through the client step's rules
 * and the token comparison (clientrules.h), then the diagnosis over them.
 * Every finding must be clean text, and the diagnosis must come out.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clientrules.h"
#include "diagnosis.h"
#include "stepdata.h"
#include "target.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must_be_clean(const char *s)
{
	if (s && !ew_text_is_clean(s, strlen(s)))
		abort();
}

#define DOM "S-1-5-21-1004336348-1177238915-682003330"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const exch[] = { "exch1.exwiz.test", "ex55.exwiz.test" };
	struct ew_group_data groups[2] = {
		{ DOM "-513", "Domain Users", "global", 1, 0, NULL },
		{ DOM "-1113", "Staff", "global", 1, 0, NULL },
	};
	struct ew_client_context cx = { "alice", "EXWIZ.TEST", "exwiz.test", exch, 2 };
	struct ew_client_paste *p = ew_client_parse(data, size);
	struct ew_step_result *r = ew_step_result_new("client", "client");
	struct ew_step_result *g = ew_step_result_new("groups", "groups");
	struct ew_target *t = ew_target_new();
	const char *src = "pasted 1";
	struct ew_diagnosis *d;
	size_t i, k;

	if (p == NULL || r == NULL || g == NULL || t == NULL ||
	    ew_target_set_user(t, "alice", NULL, 0) != 0 ||
	    ew_target_add_client(t, src, data, size, NULL, 0) != 0)
		goto out;
	if (ew_client_rules((const struct ew_client_paste *const *)&p, &src, 1, &cx, r) != 0 &&
	    !p->oom)
		abort();
	ew_client_rule_token(t, DOM "-1105", groups, 2, g);
	for (k = 0; k < 2; k++) {
		const struct ew_step_result *s = k ? g : r;

		for (i = 0; i < s->nfindings; i++) {
			must_be_clean(s->findings[i]->title);
			must_be_clean(s->findings[i]->detail);
			must_be_clean(s->findings[i]->remedy);
		}
	}
	{
		const struct ew_step_result *v[2] = { r, g };

		d = ew_diagnose(v, 2, NULL, NULL, 0);
		if (d == NULL)
			abort();
		must_be_clean(d->verdict);
		ew_diagnosis_free(&d);
	}
out:
	ew_client_free(&p);
	ew_step_result_free(&r);
	ew_step_result_free(&g);
	ew_target_free(&t);
	return 0;
}
