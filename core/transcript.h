/*
 * transcript.h - the session transcript: one JSON object a line (session,
 * input, step, probe, finding, action, note, end), each with its time and
 * sequence number, written as it happens and fsync'ed after every step so a
 * killed session keeps what it had. Created 0600 with O_EXCL|O_NOFOLLOW.
 * Reading one back into a report is transcriptread.h's.
 */
#ifndef EW_TRANSCRIPT_H
#define EW_TRANSCRIPT_H

#include <jansson.h>
#include <stddef.h>

struct ew_transcript;

/* Creates path (must not exist). 0, or -1 with a message in err. */
int ew_transcript_open(const char *path, struct ew_transcript **out,
		       char *err, size_t errlen);
/*
 * Append an event; fields (may be NULL) is an object and is taken over. The
 * event gets "seq", "time" and "event". 0, or -1 once a write failed (the
 * first error is kept; later events are dropped).
 */
int ew_transcript_event(struct ew_transcript *t, const char *event, json_t *fields);
int ew_transcript_sync(struct ew_transcript *t);
/* errno of the first failed write or sync, 0 if none. */
int ew_transcript_error(const struct ew_transcript *t);
const char *ew_transcript_path(const struct ew_transcript *t);
/* Sync and close; returns ew_transcript_error() or the close error. */
int ew_transcript_close(struct ew_transcript **t);

/*
 * The default file name $XDG_STATE_HOME/exwizard/exwizard-HOST-YYYYmmddTHHMMSS.jsonl
 * (XDG_STATE_HOME defaults to ~/.local/state); its directory is created 0700.
 * NULL with a message in err.
 */
char *ew_transcript_default_path(char *err, size_t errlen);

/*
 * Create a transcript at the default place: that name, or NAME-2.jsonl,
 * NAME-3.jsonl ... when a session of the same second has it.
 */
int ew_transcript_open_default(struct ew_transcript **out, char *err, size_t errlen);

/* ISO 8601 UTC with milliseconds, e.g. 2026-11-22T10:00:00.123Z. */
void ew_time_iso(char *buf, size_t len);

#endif
