/*
 * datafields.h - a C struct and its JSON object, both ways, from a table of
 * its fields: the key, the type and where in the struct it lives. The typed
 * data of the steps (stepdata.h) is written and read with it, so that the
 * key names and their order live in one table. Pure: jansson and text only.
 */
#ifndef EW_DATAFIELDS_H
#define EW_DATAFIELDS_H

#include <jansson.h>
#include <stddef.h>

enum ew_field_type {
	EW_FT_STR,	/* char *; NULL is JSON null */
	EW_FT_INT,	/* long long */
	EW_FT_BOOL,	/* int */
	EW_FT_REAL,	/* double, with an int at aux: 0 is JSON null */
	EW_FT_NULL,	/* always JSON null; nothing in the struct */
	EW_FT_STRS,	/* char **, with a size_t count at aux */
	EW_FT_OBJ,	/* a struct inside, described by sub */
	EW_FT_ARR,	/* an array of sub structs, with a size_t count at aux */
};

/* ew_field.flags */
#define EW_FF_CLEAN 0x1	/* strings written cleaned of control characters */
#define EW_FF_WHEN 0x2	/* written only when the int at when_off is when */
#define EW_FF_ALT 0x4	/* another field has the same key: a value of the
			   wrong type is that field's, not an error */

struct ew_fields;

struct ew_field {
	const char *key;
	enum ew_field_type type;
	size_t off;
	size_t aux;
	const struct ew_fields *sub;
	unsigned flags;
	size_t when_off;
	int when;
};

struct ew_fields {
	const char *what;	/* for errors: "DNS record" */
	const struct ew_field *f;
	size_t n;
	size_t size;		/* of the struct */
};

/* The object, keys in the table's order; NULL when out of memory. */
json_t *ew_fields_to_json(const struct ew_fields *d, const void *obj);
/*
 * obj (zeroed by the caller) filled from j. A key of a field without
 * EW_FF_WHEN must be there; a value of the wrong type is an error. Unknown
 * keys are ignored. -1 with err set (and obj freed) on error.
 */
int ew_fields_from_json(const struct ew_fields *d, const json_t *j, void *obj,
			char *err, size_t errlen);
/* What obj owns freed, and obj zeroed. */
void ew_fields_free(const struct ew_fields *d, void *obj);
/* A copy of s, NULL for NULL (strdup's failure is NULL too). */
char *ew_field_dup(const char *s);

#endif
