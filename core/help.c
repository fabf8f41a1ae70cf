#include "help.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const struct ew_help_topic *ew_help_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < ew_help_ntopics; i++)
		if (strcasecmp(ew_help_topics[i].name, name) == 0)
			return &ew_help_topics[i];
	return NULL;
}

void ew_help_title(const struct ew_help_topic *t, char *buf, size_t len)
{
	const char *text = t->text;
	size_t n, name = strlen(t->name);

	/* "DNS-SRV: what it is" lists as "what it is" beside the name. */
	if (strncmp(text, t->name, name) == 0 && text[name] == ':' && text[name + 1] == ' ')
		text += name + 2;
	n = strcspn(text, "\n");
	snprintf(buf, len, "%.*s", (int)n, text);
}
