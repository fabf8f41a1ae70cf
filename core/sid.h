/*
 * sid.h - Windows security identifiers: the binary form read from the
 * directory (objectSid, tokenGroups, sIDHistory, ACEs), parsed with strict
 * bounds checks, and the S-1-5-21-... string form.
 */
#ifndef EW_SID_H
#define EW_SID_H

#include <stddef.h>
#include <stdint.h>

#define EW_SID_MAX_SUB 15
#define EW_SID_STRLEN 192	/* enough for "S-1-" + 48-bit authority + 15 sub-authorities */

struct ew_sid {
	uint8_t revision;
	uint8_t nsub;
	uint64_t authority;	/* 48 bits */
	uint32_t sub[EW_SID_MAX_SUB];
};

/*
 * Parse a binary SID at buf (len bytes available). 0 and *used set (8 + 4 *
 * sub-authorities), or -1 when it is truncated, has a revision other than 1
 * or more than 15 sub-authorities.
 */
int ew_sid_parse(const unsigned char *buf, size_t len, struct ew_sid *out, size_t *used);
/* The same, but the SID must fill len exactly. */
int ew_sid_parse_exact(const unsigned char *buf, size_t len, struct ew_sid *out);
/* "S-1-5-21-1-2-3-500" into buf; the length written, or 0 if it does not fit. */
size_t ew_sid_format(const struct ew_sid *s, char *buf, size_t len);
/* Parse the string form; 0 or -1. */
int ew_sid_from_string(const char *str, struct ew_sid *out);
/* The binary form into buf; its length, or 0 if it does not fit. */
size_t ew_sid_to_binary(const struct ew_sid *s, unsigned char *buf, size_t len);

int ew_sid_equal(const struct ew_sid *a, const struct ew_sid *b);
/* a is b's domain: b has one more sub-authority (the RID) and starts with a. */
int ew_sid_is_domain_of(const struct ew_sid *domain, const struct ew_sid *sid);
/* The domain part (every sub-authority but the last). -1 if none. */
int ew_sid_domain(const struct ew_sid *sid, struct ew_sid *out);
uint32_t ew_sid_rid(const struct ew_sid *s);

#endif
