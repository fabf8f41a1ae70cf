/*
 * help.h - the help topics: one plain-text file per step and per check id
 * under help/, compiled into the binary at build time. The first line of a
 * topic is its one-line title.
 */
#ifndef EW_HELP_H
#define EW_HELP_H

#include <stddef.h>

struct ew_help_topic {
	const char *name;	/* "dns", "DNS-SRV", ... */
	const char *text;
};

extern const struct ew_help_topic ew_help_topics[];
extern const size_t ew_help_ntopics;

/* The topic of that name (case does not matter), or NULL. */
const struct ew_help_topic *ew_help_find(const char *name);
/* The first line of a topic, without its newline, into buf. */
void ew_help_title(const struct ew_help_topic *t, char *buf, size_t len);

#endif
