#include "clisession.h"

#include <stdio.h>

#include "options.h"
#include "report.h"
#include "session.h"
#include "version.h"

struct ew_session *ew_cli_session(const struct ew_opts *o, const char *command, int warm,
				  atomic_int *cancel, const char *const *ids, size_t nids,
				  int *rc)
{
	struct ew_session_opts so = {0};
	struct ew_session *s;
	char err[512];

	*rc = EW_EXIT_USAGE;
	so.command = command;
	so.version = EW_VERSION;
	so.transcript = o->no_transcript ? EW_TRANSCRIPT_NONE :
			o->transcript ? EW_TRANSCRIPT_PATH : EW_TRANSCRIPT_DEFAULT;
	so.transcript_path = o->transcript;
	so.warm_directory = warm;
	so.run.target = o->target;
	so.run.cancel = cancel;
	so.run.timeout_ms = o->timeout_ms ? o->timeout_ms : 2000;
	so.run.tries = o->tries ? o->tries : 2;
	so.run.flags = o->flush ? EW_RUN_FLUSH : 0;
	so.run.bind_dn = o->simple_bind;
	so.run.bind_password = o->simple_bind ? o->bind_pw.buf : NULL;
	so.run.ca_file = o->ca_file;
	if ((s = ew_session_new(&so)) == NULL) {
		fputs("exwizard: out of memory\n", stderr);
		return NULL;
	}
	if (ew_session_plan(s, ids, nids, err, sizeof(err)) != 0) {
		ew_usage_error("%s", err);
		ew_session_free(&s);
		return NULL;
	}
	switch (ew_session_open(s, err, sizeof(err))) {
	case 0:
		break;
	case 1:
		fprintf(stderr, "exwizard: no transcript: %s\n", err);
		break;
	default:
		fprintf(stderr, "exwizard: %s%s\n", ew_session_report(s) ? "transcript: " : "", err);
		ew_session_free(&s);
		return NULL;
	}
	return s;
}
