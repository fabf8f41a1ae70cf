/*
 * The client step: what the user's Windows client showed (--client-file,
 * the wizard's client pane), read (clientparse.h) and put into findings
 * (clientrules.h). No network: the texts are the target's.
 */
#include "clientrules.h"

#include <stdlib.h>

#include "catalogue.h"
#include "finding.h"
#include "run.h"
#include "target.h"

int ew_client_step(struct ew_run *run, struct ew_step_result *res)
{
	const struct ew_target *t = run->target;
	struct ew_client_paste *p[EW_TARGET_MAX_LIST] = {0};
	const char *src[EW_TARGET_MAX_LIST];
	struct ew_client_context cx = {
		.user = t->user, .realm = t->realm, .domain = t->domain,
		.exchange = (const char *const *)t->exchange, .nexchange = t->nexchange,
	};
	size_t i, n = 0;
	int rc = 0;

	if (t->nclient == 0) {
		struct ew_finding *f = ew_finding_new(EW_CK_CLIENT_READ, EW_SKIP,
						      "No output of the Windows client given");

		if (f)
			ew_finding_remedy(f, "Ask the user for the commands of 'exwizard help "
					  "client' and give their output with --client-file.");
		ew_step_result_add(res, f);
		return 0;
	}
	for (i = 0; i < t->nclient; i++) {
		if ((p[n] = ew_client_parse(t->client[i].data, t->client[i].len)) == NULL) {
			rc = -1;
			break;
		}
		src[n++] = t->client[i].source;
	}
	if (rc == 0) {
		ew_run_note(run, "client", "%zu client text%s read", n, n == 1 ? "" : "s");
		rc = ew_client_rules((const struct ew_client_paste *const *)p, src, n, &cx, res);
	}
	for (i = 0; i < n; i++)
		ew_client_free(&p[i]);
	return rc;
}
