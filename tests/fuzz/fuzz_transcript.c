/* libFuzzer target: reading a transcript (a file anyone could hand over) and
 * its text report, which opens with the diagnosis and its fixes. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "report.h"
#include "transcriptread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct ew_report *r;
	char err[512];
	FILE *fp;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "/tmp/exwizard-fuzz-%d.jsonl", (int)getpid());
	fp = fopen(path, "w");
	if (fp == NULL)
		return 0;
	fwrite(data, 1, size, fp);
	fclose(fp);
	r = ew_transcript_read(path, err, sizeof(err));
	unlink(path);
	if (r) {
		free(ew_report_to_text(r, 80));
		ew_report_free(&r);
	}
	return 0;
}
