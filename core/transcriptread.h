/*
 * transcriptread.h - a transcript (transcript.h), complete or cut short,
 * read back into a report: what `exwizard show` prints.
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

#endif
