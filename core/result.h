/*
 * result.h - what a step found: its status, findings and structured data.
 * Pure: findings, text and jansson only, so the rules modules and their
 * tests use it without the steps, the network or the directory.
 */
#ifndef EW_RESULT_H
#define EW_RESULT_H

#include <jansson.h>
#include <stddef.h>

#include "finding.h"

enum ew_status {
	EW_ST_PASS = EW_PASS,
	EW_ST_INFO = EW_INFO,
	EW_ST_WARN = EW_WARN,
	EW_ST_FAIL = EW_FAIL,
	EW_ST_SKIP = EW_SKIP,
	EW_ST_PENDING,		/* not run yet */
	EW_ST_RUNNING,
	EW_ST_CANCELLED,	/* stopped by the user */
	EW_ST_INTERRUPTED,	/* started, never ended (a killed session) */
};

const char *ew_status_name(enum ew_status st);
int ew_status_parse(const char *name, enum ew_status *out);

/* What a step's data holds (stepdata.h), and so how the wizard shows it:
 * EW_DATA_JSON as the JSON itself. */
enum ew_data_kind {
	EW_DATA_JSON,
	EW_DATA_DNS,
	EW_DATA_TICKETS,
	EW_DATA_GROUPS,
	EW_DATA_MAILBOX,
	EW_DATA_NKINDS
};

struct ew_step_result {
	char *id;
	char *title;
	enum ew_status status;
	long duration_ms;
	struct ew_finding **findings;
	size_t nfindings;
	json_t *data;		/* object, owned */
	/*
	 * The step settles the target and diagnoses nothing by itself (its
	 * table entry has EW_STEP_SETUP): set by whoever makes the result from
	 * the step table (running the step, reading a transcript back); not
	 * part of the report's JSON.
	 */
	int setup;
	/*
	 * What its data holds, from the step table too (EW_DATA_JSON until
	 * set): the rules that read a step's data find it by this, never by
	 * the step's id.
	 */
	enum ew_data_kind kind;
	/*
	 * A result of the identity put beside the user (--compare), not of the
	 * user: never counted, diagnosed or shown as the user's. Set by the
	 * session and by whoever reads a report back.
	 */
	int compared;
};

struct ew_step_result *ew_step_result_new(const char *id, const char *title);
void ew_step_result_free(struct ew_step_result **r);
/* A deep copy the caller owns (findings, data, status, duration, setup, kind, compared);
 * NULL when r is NULL or out of memory. */
struct ew_step_result *ew_step_result_dup(const struct ew_step_result *r);
/* Whether it was run for an earlier target (its data has "stale": the
 * target it was run for; report.h's ew_step_result_mark_stale sets it). */
int ew_step_result_is_stale(const struct ew_step_result *s);
/* Takes ownership of f (also on failure, when it is freed). f NULL: -1. */
int ew_step_result_add(struct ew_step_result *r, struct ew_finding *f);
/* Worst severity among the findings (fail > warn > info > pass); skip only if
 * every finding is a skip; pass when there is none. */
enum ew_status ew_step_result_worst(const struct ew_step_result *r);

#endif
