#include "sid.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ew_sid_parse(const unsigned char *buf, size_t len, struct ew_sid *out, size_t *used)
{
	size_t need, i;

	if (buf == NULL || len < 8)
		return -1;
	if (buf[0] != 1 || buf[1] > EW_SID_MAX_SUB)
		return -1;
	need = 8 + 4 * (size_t)buf[1];
	if (len < need)
		return -1;
	memset(out, 0, sizeof(*out));
	out->revision = buf[0];
	out->nsub = buf[1];
	for (i = 0; i < 6; i++)
		out->authority = (out->authority << 8) | buf[2 + i];
	for (i = 0; i < out->nsub; i++) {
		const unsigned char *p = buf + 8 + 4 * i;

		out->sub[i] = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			      (uint32_t)p[3] << 24;
	}
	if (used)
		*used = need;
	return 0;
}

int ew_sid_parse_exact(const unsigned char *buf, size_t len, struct ew_sid *out)
{
	size_t used;

	if (ew_sid_parse(buf, len, out, &used) != 0 || used != len)
		return -1;
	return 0;
}

size_t ew_sid_format(const struct ew_sid *s, char *buf, size_t len)
{
	size_t off = 0, i;
	int n;

	if (len == 0)
		return 0;
	/* Authorities of 2^32 and more are written in hex, as Windows does. */
	if (s->authority >= (1ull << 32))
		n = snprintf(buf, len, "S-%u-0x%012llX", s->revision,
			     (unsigned long long)s->authority);
	else
		n = snprintf(buf, len, "S-%u-%llu", s->revision, (unsigned long long)s->authority);
	if (n < 0 || (size_t)n >= len)
		goto too_small;
	off = (size_t)n;
	for (i = 0; i < s->nsub && i < EW_SID_MAX_SUB; i++) {
		n = snprintf(buf + off, len - off, "-%lu", (unsigned long)s->sub[i]);
		if (n < 0 || (size_t)n >= len - off)
			goto too_small;
		off += (size_t)n;
	}
	return off;
too_small:
	buf[0] = '\0';
	return 0;
}

static int num(const char **p, unsigned long long max, unsigned long long *v)
{
	char *end;

	if (**p < '0' || **p > '9')
		return -1;
	errno = 0;
	if ((*p)[0] == '0' && ((*p)[1] == 'x' || (*p)[1] == 'X')) {
		/* strtoull would take a sign or nothing at all after "0x". */
		if (!isxdigit((unsigned char)(*p)[2]))
			return -1;
		*v = strtoull(*p + 2, &end, 16);
	} else {
		*v = strtoull(*p, &end, 10);
	}
	if (errno || end == *p || *v > max)
		return -1;
	*p = end;
	return 0;
}

int ew_sid_from_string(const char *str, struct ew_sid *out)
{
	const char *p = str;
	unsigned long long v;

	if (str == NULL || (p[0] != 'S' && p[0] != 's') || p[1] != '-')
		return -1;
	p += 2;
	memset(out, 0, sizeof(*out));
	if (num(&p, 255, &v) != 0 || v != 1 || *p != '-')
		return -1;
	out->revision = 1;
	p++;
	if (num(&p, 0xffffffffffffull, &v) != 0)
		return -1;
	out->authority = v;
	while (*p == '-') {
		p++;
		if (out->nsub >= EW_SID_MAX_SUB || num(&p, 0xffffffffull, &v) != 0)
			return -1;
		out->sub[out->nsub++] = (uint32_t)v;
	}
	return *p == '\0' ? 0 : -1;
}

size_t ew_sid_to_binary(const struct ew_sid *s, unsigned char *buf, size_t len)
{
	size_t need = 8 + 4 * (size_t)s->nsub, i;

	if (s->nsub > EW_SID_MAX_SUB || len < need)
		return 0;
	buf[0] = s->revision;
	buf[1] = s->nsub;
	for (i = 0; i < 6; i++)
		buf[2 + i] = (unsigned char)(s->authority >> (8 * (5 - i)));
	for (i = 0; i < s->nsub; i++) {
		unsigned char *p = buf + 8 + 4 * i;

		p[0] = (unsigned char)s->sub[i];
		p[1] = (unsigned char)(s->sub[i] >> 8);
		p[2] = (unsigned char)(s->sub[i] >> 16);
		p[3] = (unsigned char)(s->sub[i] >> 24);
	}
	return need;
}

int ew_sid_equal(const struct ew_sid *a, const struct ew_sid *b)
{
	return a->revision == b->revision && a->nsub == b->nsub &&
	       a->authority == b->authority &&
	       memcmp(a->sub, b->sub, (size_t)a->nsub * sizeof(a->sub[0])) == 0;
}

int ew_sid_is_domain_of(const struct ew_sid *domain, const struct ew_sid *sid)
{
	return sid->nsub == domain->nsub + 1 && sid->authority == domain->authority &&
	       sid->revision == domain->revision &&
	       memcmp(sid->sub, domain->sub, (size_t)domain->nsub * sizeof(sid->sub[0])) == 0;
}

int ew_sid_domain(const struct ew_sid *sid, struct ew_sid *out)
{
	if (sid->nsub == 0)
		return -1;
	*out = *sid;
	out->nsub--;
	out->sub[out->nsub] = 0;
	return 0;
}

uint32_t ew_sid_rid(const struct ew_sid *s)
{
	return s->nsub ? s->sub[s->nsub - 1] : 0;
}
