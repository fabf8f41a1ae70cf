/*
 * wizdata.h - a step's data as the lines of the wizard's data view: one view
 * per kind of data (run.h's enum ew_data_kind), each reading the step's
 * typed data (stepdata.h). Pure: no curses.
 */
#ifndef EW_WIZDATA_H
#define EW_WIZDATA_H

#include <jansson.h>
#include <stddef.h>

#include "run.h"

/*
 * The lines of data d of kind k, added to *v / *n. Columns are cut to fit
 * width, marked with mark; with whole set, as wide as their values (for a
 * sideways scroll). Data that cannot be read as its kind is shown as JSON,
 * after a line that says why.
 */
void ew_wiz_data_view(enum ew_data_kind k, const json_t *d, const char *mark, int width,
		      int whole, char ***v, size_t *n);

#endif
