#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

void ew_plan_order(const struct ew_step **v, size_t n)
{
	size_t i, k, front = 0;

	for (i = 0; i < n; i++) {
		const struct ew_step *s = v[i];

		if (!(s->flags & EW_STEP_FIRST))
			continue;
		for (k = i; k > front; k--)
			v[k] = v[k - 1];
		v[front++] = s;
	}
}

static int planned(const struct ew_step **out, size_t n, const struct ew_step *s)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (out[k] == s)
			return 1;
	return 0;
}

int ew_plan_steps(const struct ew_step *table, size_t ntable, const char *const *ids,
		  size_t nids, const struct ew_step **out, size_t max, char *err, size_t errlen)
{
	size_t n = 0, i, k;

	for (k = 0; k < ntable && n < max; k++)
		if (table[k].flags & EW_STEP_FIRST)
			out[n++] = &table[k];
	for (i = 0; i < nids; i++) {
		const struct ew_step *s = NULL;

		for (k = 0; k < ntable && s == NULL; k++)
			if (ids[i] && strcmp(table[k].id, ids[i]) == 0)
				s = &table[k];
		if (s == NULL) {
			char *clean = ew_text_cleanz(ids[i] ? ids[i] : "");

			snprintf(err, errlen, "unknown step '%s'", clean ? clean : "?");
			free(clean);
			return -1;
		}
		if (!planned(out, n, s) && n < max)
			out[n++] = s;
	}
	for (k = 0; nids == 0 && k < ntable && n < max; k++)
		if (table[k].run && !planned(out, n, &table[k]))
			out[n++] = &table[k];
	return (int)n;
}

static int alone(const struct ew_step *s, unsigned run_flags)
{
	return (s->flags & EW_STEP_FIRST) ||
	       ((run_flags & EW_RUN_FLUSH) && (s->flags & EW_STEP_ALONE_WHEN_FLUSHING));
}

size_t ew_plan_batch(const struct ew_step *const *todo, size_t n, size_t i,
		     unsigned run_flags)
{
	size_t batch = 1;

	if (i >= n)
		return 0;
	if (alone(todo[i], run_flags))
		return 1;
	while (i + batch < n && !alone(todo[i + batch], run_flags))
		batch++;
	return batch;
}

int ew_plan_needs_directory(const struct ew_step *const *todo, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (todo[i]->flags & EW_STEP_DIRECTORY)
			return 1;
	return 0;
}
