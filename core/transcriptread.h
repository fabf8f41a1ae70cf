/*
 * transcriptread.h - a transcript (transcript.h), complete or cut short,
 * read back into a report: what `exwizard show` prints; a transcript or a
 * JSON report read into a report: what `exwizard diff` compares.
 */
#ifndef EW_TRANSCRIPTREAD_H
#define EW_TRANSCRIPTREAD_H

#include <stddef.h>

struct ew_report;

/*
 * Read a transcript into a report. Incomplete or unreadable lines (a session
 * killed mid-write) end the reading with a note in the report; steps started
 * but never ended are "interrupted". NULL with a message in err when the file
 * cannot be opened or holds no session.
 */
struct ew_report *ew_transcript_read(const char *path, char *err, size_t errlen);

/*
 * A transcript or a JSON report (`exwizard check --json`), told apart by
 * their keys: a file that is one JSON object with "exwizard" and "steps" is
 * a report, anything else is read as a transcript. NULL with a message in
 * err when it is neither.
 */
struct ew_report *ew_report_read_file(const char *path, char *err, size_t errlen);

#endif
