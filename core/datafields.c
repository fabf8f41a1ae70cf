/*
 * A struct and its JSON object, both ways, from the table of its fields.
 */
#include "datafields.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define AT(obj, off, type) ((type *)(void *)((char *)(obj) + (off)))

char *ew_field_dup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static json_t *str_json(const char *s, unsigned flags)
{
	if (flags & EW_FF_CLEAN)
		return ew_json_string_clean(s);
	return s ? json_string(s) : json_null();
}

static int written(const struct ew_field *f, const void *obj)
{
	return !(f->flags & EW_FF_WHEN) || *AT(obj, f->when_off, const int) == f->when;
}

static json_t *field_json(const struct ew_field *f, const void *obj)
{
	size_t i, n;
	json_t *a;

	switch (f->type) {
	case EW_FT_STR:
		return str_json(*AT(obj, f->off, char *const), f->flags);
	case EW_FT_INT:
		return json_integer((json_int_t)*AT(obj, f->off, const long long));
	case EW_FT_BOOL:
		return json_boolean(*AT(obj, f->off, const int));
	case EW_FT_REAL:
		return *AT(obj, f->aux, const int) ? json_real(*AT(obj, f->off, const double)) :
		       json_null();
	case EW_FT_NULL:
		return json_null();
	case EW_FT_OBJ:
		return ew_fields_to_json(f->sub, AT(obj, f->off, const char));
	case EW_FT_STRS:
	case EW_FT_ARR:
		n = *AT(obj, f->aux, const size_t);
		a = json_array();
		for (i = 0; a && i < n; i++) {
			json_t *v = f->type == EW_FT_STRS ?
				    str_json((*AT(obj, f->off, char **const))[i], f->flags) :
				    ew_fields_to_json(f->sub, *AT(obj, f->off, char *const) +
						      i * f->sub->size);

			if (v == NULL || json_array_append_new(a, v) != 0) {
				json_decref(a);
				return NULL;
			}
		}
		return a;
	}
	return NULL;
}

json_t *ew_fields_to_json(const struct ew_fields *d, const void *obj)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; o && i < d->n; i++) {
		const struct ew_field *f = &d->f[i];
		json_t *v;

		if (!written(f, obj))
			continue;
		v = field_json(f, obj);
		if (v == NULL || json_object_set_new(o, f->key, v) != 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static int type_ok(const struct ew_field *f, const json_t *v)
{
	switch (f->type) {
	case EW_FT_STR:
		return json_is_string(v) || json_is_null(v);
	case EW_FT_INT:
		return json_is_integer(v);
	case EW_FT_BOOL:
		return json_is_boolean(v);
	case EW_FT_REAL:
		return json_is_number(v) || json_is_null(v);
	case EW_FT_NULL:
		return json_is_null(v);
	case EW_FT_OBJ:
		return json_is_object(v);
	case EW_FT_STRS:
	case EW_FT_ARR:
		return json_is_array(v);
	}
	return 0;
}

static const char *type_name(enum ew_field_type t)
{
	static const char *const names[] = { "a string or null", "an integer", "true or false",
					     "a number or null", "null", "a list of strings",
					     "an object", "a list" };

	return names[t];
}

static int field_from(const struct ew_field *f, const json_t *v, void *obj, char *err,
		      size_t errlen)
{
	size_t i, n;
	char **s;
	char *elems;
	const json_t *x;

	switch (f->type) {
	case EW_FT_STR:
		if (json_is_string(v) &&
		    (*AT(obj, f->off, char *) = strdup(json_string_value(v))) == NULL)
			goto oom;
		return 0;
	case EW_FT_INT:
		*AT(obj, f->off, long long) = (long long)json_integer_value(v);
		return 0;
	case EW_FT_BOOL:
		*AT(obj, f->off, int) = json_is_true(v);
		return 0;
	case EW_FT_REAL:
		*AT(obj, f->aux, int) = json_is_number(v);
		*AT(obj, f->off, double) = json_number_value(v);
		return 0;
	case EW_FT_NULL:
		return 0;
	case EW_FT_OBJ:
		return ew_fields_from_json(f->sub, v, AT(obj, f->off, char), err, errlen);
	case EW_FT_STRS:
	case EW_FT_ARR:
		n = json_array_size(v);
		if (n == 0)
			return 0;
		elems = calloc(n, f->type == EW_FT_STRS ? sizeof(char *) : f->sub->size);
		if (elems == NULL)
			goto oom;
		*AT(obj, f->off, char *) = elems;
		s = (char **)(void *)elems;
		json_array_foreach(v, i, x) {
			if (f->type == EW_FT_ARR) {
				if (ew_fields_from_json(f->sub, x, elems + i * f->sub->size, err,
							errlen) != 0)
					return -1;
			} else if (!json_is_string(x) && !json_is_null(x)) {
				snprintf(err, errlen, "%s: item %zu is not a string", f->key, i);
				return -1;
			} else if (json_is_string(x) &&
				   (s[i] = strdup(json_string_value(x))) == NULL) {
				goto oom;
			}
			/* Counted as filled, so that a failure frees what is there. */
			*AT(obj, f->aux, size_t) = i + 1;
		}
		return 0;
	}
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

int ew_fields_from_json(const struct ew_fields *d, const json_t *j, void *obj,
			char *err, size_t errlen)
{
	size_t i;

	if (!json_is_object(j)) {
		snprintf(err, errlen, "%s: not an object", d->what);
		ew_fields_free(d, obj);
		return -1;
	}
	for (i = 0; i < d->n; i++) {
		const struct ew_field *f = &d->f[i];
		const json_t *v = json_object_get(j, f->key);
		char sub[256];

		if (v == NULL) {
			if (f->flags & EW_FF_WHEN)
				continue;
			snprintf(err, errlen, "%s: no %s", d->what, f->key);
			goto fail;
		}
		if (!type_ok(f, v)) {
			if (f->flags & EW_FF_ALT)
				continue;
			snprintf(err, errlen, "%s: %s is not %s", d->what, f->key,
				 type_name(f->type));
			goto fail;
		}
		if (field_from(f, v, obj, sub, sizeof(sub)) != 0) {
			snprintf(err, errlen, "%s: %s", d->what, sub);
			goto fail;
		}
		if (f->flags & EW_FF_WHEN)
			*AT(obj, f->when_off, int) = f->when;
	}
	return 0;
fail:
	ew_fields_free(d, obj);
	return -1;
}

void ew_fields_free(const struct ew_fields *d, void *obj)
{
	size_t i, k, n;

	for (i = 0; obj && i < d->n; i++) {
		const struct ew_field *f = &d->f[i];

		switch (f->type) {
		case EW_FT_STR:
			free(*AT(obj, f->off, char *));
			break;
		case EW_FT_OBJ:
			ew_fields_free(f->sub, AT(obj, f->off, char));
			break;
		case EW_FT_STRS:
		case EW_FT_ARR:
			n = *AT(obj, f->aux, size_t);
			for (k = 0; k < n; k++) {
				if (f->type == EW_FT_STRS)
					free((*AT(obj, f->off, char **))[k]);
				else
					ew_fields_free(f->sub, *AT(obj, f->off, char *) +
						       k * f->sub->size);
			}
			free(*AT(obj, f->off, char *));
			break;
		default:
			break;
		}
	}
	if (obj)
		memset(obj, 0, d->size);
}
