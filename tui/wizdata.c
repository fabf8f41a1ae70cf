/*
 * The data views of the wizard: a table of views by kind of data (like tig's
 * view_ops), each turning a step's typed data into lines.
 */
#include "wizdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stepdata.h"
#include "text.h"
#include "wizlines.h"

struct view_ctx {
	const char *mark;
	int width;
	int whole;
	char ***v;
	size_t *n;
};

static void add(const struct view_ctx *c, struct ew_buf *b)
{
	ew_lines_add(c->v, c->n, b->data ? b->data : "");
	ew_buf_reset(b);
}

/* The cell of a column: w wide, cut and marked, or whole when shown whole. */
static void cell(const struct view_ctx *c, struct ew_buf *b, const char *s, size_t w)
{
	ew_lines_cell(b, s, c->whole ? 0 : w, c->mark);
}

/* A row "  label  value": the labels in a column lw wide, the value cut to
 * what is left of the pane (marked) unless shown whole. */
static void row(const struct view_ctx *c, size_t lw, const char *label, const char *value)
{
	struct ew_buf b = {0};
	size_t room = c->width > (int)lw + 3 + 10 ? (size_t)c->width - lw - 3 : 10;

	ew_buf_adds(&b, "  ");
	ew_lines_cell(&b, label, lw, c->mark);
	ew_buf_addc(&b, ' ');
	cell(c, &b, value, room);
	add(c, &b);
}

static const char *or(const char *s, const char *none)
{
	return s ? s : none;
}

static void json_view(const struct view_ctx *c, const json_t *d)
{
	char *s = json_dumps(d, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	char *p, *save = NULL;

	for (p = s ? strtok_r(s, "\n", &save) : NULL; p; p = strtok_r(NULL, "\n", &save))
		ew_lines_add(c->v, c->n, p);
	free(s);
}

/* Columns as wide as their widest value; cut (and marked) to fit the pane
 * unless shown whole. The server column holds "127.0.0.10" and
 * "[::1]:5353" whole. */
static void dns_view(const struct view_ctx *c, const struct ew_dns_data *d)
{
	size_t nw = 4, tw = 4, sw = 6, stw = 6, room, k, a;
	struct ew_buf b = {0};

	for (k = 0; k < d->nrecords; k++) {
		const struct ew_dns_record_data *r = &d->records[k];

		nw = ew_lines_cols(r->name) > nw ? ew_lines_cols(r->name) : nw;
		tw = ew_lines_cols(r->type) > tw ? ew_lines_cols(r->type) : tw;
		sw = ew_lines_cols(r->server) > sw ? ew_lines_cols(r->server) : sw;
		stw = ew_lines_cols(r->status) > stw ? ew_lines_cols(r->status) : stw;
	}
	if (!c->whole) {
		tw = tw > 5 ? 5 : tw;
		sw = sw > 15 ? 15 : sw;
		stw = stw > 8 ? 8 : stw;
		room = c->width > (int)(tw + sw + stw + 4 + 16) ?
		       (size_t)c->width - (tw + sw + stw + 4) : 16;
		nw = nw > room ? room : nw;
	}
	for (k = 0; k <= d->nrecords; k++) {
		const struct ew_dns_record_data *r = k ? &d->records[k - 1] : NULL;

		ew_lines_cell(&b, r ? r->name : "Name", nw, c->mark);
		ew_buf_addc(&b, ' ');
		ew_lines_cell(&b, r ? r->type : "Type", tw, c->mark);
		ew_buf_addc(&b, ' ');
		ew_lines_cell(&b, r ? r->server : "Server", sw, c->mark);
		ew_buf_addc(&b, ' ');
		ew_lines_cell(&b, r ? r->status : "Status", stw, c->mark);
		ew_buf_adds(&b, r ? " " : " Answers");
		for (a = 0; r && a < r->nanswers; a++)
			ew_buf_printf(&b, "%s%s", a ? ", " : "", or(r->answers[a], ""));
		add(c, &b);
	}
}

static void tickets_view(const struct view_ctx *c, const struct ew_tickets_data *d)
{
	struct ew_buf b = {0};
	size_t k;

	ew_lines_add(c->v, c->n, "Cached tickets (klist / KerbTray):");
	for (k = 0; k < d->ntickets; k++) {
		const struct ew_ticket_data *t = &d->tickets[k];

		ew_buf_adds(&b, "  ");
		cell(c, &b, t->server, 38);
		ew_buf_printf(&b, " %s ", or(t->endtime, "-"));
		cell(c, &b, t->flag_letters, 5);
		ew_buf_printf(&b, " %s %lld B", or(t->ticket_enctype, "?"), t->ticket_size);
		add(c, &b);
	}
	ew_lines_add(c->v, c->n, "Session tickets asked for:");
	for (k = 0; k < d->nservices; k++) {
		const struct ew_service_data *s = &d->services[k];

		ew_buf_adds(&b, "  ");
		cell(c, &b, s->spn, 38);
		ew_buf_addc(&b, ' ');
		cell(c, &b, s->status, 7);
		ew_buf_printf(&b, " %lld B %s", s->ticket_size, or(s->error, ""));
		add(c, &b);
	}
}

static void groups_view(const struct view_ctx *c, const struct ew_groups_data *d)
{
	const struct ew_group_counts_data *ct = &d->counts;
	int gw = c->width - 30 > 10 ? c->width - 30 : 10, fill;
	size_t k, sw = 13;
	char bar[256];

	if (!d->gathered) {
		ew_lines_add(c->v, c->n, "The user was not looked up: see the findings.");
		return;
	}
	ew_lines_addf(c->v, c->n, "global %lld  domain local %lld  universal %lld+%lld  builtin %lld",
		      ct->global, ct->domain_local, ct->universal_in, ct->universal_out,
		      ct->builtin);
	/* The gauge: the estimate against 12,000 (older Windows) and 48,000. */
	if (gw > (int)sizeof(bar) - 1)
		gw = (int)sizeof(bar) - 1;
	fill = (int)(d->estimate_legacy * gw / 48000);
	if (fill > gw || fill < 0)
		fill = fill < 0 ? 0 : gw;
	for (k = 0; k < (size_t)gw; k++)
		bar[k] = (int)k < fill ? '#' : (int)k == gw / 4 ? '|' : '.';
	bar[gw] = '\0';
	ew_lines_addf(c->v, c->n, "2008R2 %6lld [%s] 48000", d->estimate_legacy, bar);
	ew_lines_addf(c->v, c->n, "2012   %6lld bytes; the | marks 12,000", d->estimate_2012);
	ew_lines_addf(c->v, c->n, "token SIDs %lld, measured TGT %lld B", d->token_sids,
		      d->measured_tgt_size);
	/* Scope, then how the user is a member (nested: the chain of groups). */
	for (k = 0; k < d->ngroups; k++) {
		const struct ew_group_data *g = &d->groups[k];
		struct ew_buf b = {0};

		ew_buf_adds(&b, "  ");
		cell(c, &b, g->scope, sw);
		ew_buf_addc(&b, ' ');
		cell(c, &b, g->path ? g->path : or(g->name, g->sid),
		     c->width > (int)sw + 3 + 10 ? (size_t)c->width - sw - 3 : 10);
		add(c, &b);
	}
}

/* The mailbox's attributes by the names AD shows them under, the connection
 * as Outlook shows it, and the mover's rights: on each object, and to write
 * each attribute a move writes. */
static void mailbox_view(const struct view_ctx *c, const struct ew_mailbox_data *d)
{
	const struct ew_mbx_attrs_data *a = &d->attributes;
	const struct ew_mover_data *m = &d->mover;
	struct ew_buf b = {0};
	size_t k, lw = 32;

	if (!d->gathered) {
		ew_lines_add(c->v, c->n, "The user's attributes were not read: see the findings.");
		return;
	}
	ew_lines_addf(c->v, c->n, "Attributes of the user, read as %s:", or(d->read_as, "?"));
	row(c, lw, "distinguishedName", a->dn);
	row(c, lw, "homeMDB", or(a->homeMDB, "(not set)"));
	row(c, lw, "homeMTA", or(a->homeMTA, "(not set)"));
	row(c, lw, "msExchHomeServerName", or(a->msExchHomeServerName, "(not set)"));
	row(c, lw, "legacyExchangeDN", or(a->legacyExchangeDN, "(not set)"));
	row(c, lw, "mailNickname", or(a->mailNickname, "(not set)"));
	row(c, lw, "targetAddress", or(a->targetAddress, "(not set)"));
	row(c, lw, "msExchMailboxGuid", a->msExchMailboxGuid ? "set" : "(not set)");
	row(c, lw, "msExchMailboxSecurityDescriptor",
	    a->msExchMailboxSecurityDescriptor ? "set" : "(not set)");
	for (k = 0; k < a->nproxyAddresses; k++)
		ew_buf_printf(&b, "%s%s", k ? ", " : "", or(a->proxyAddresses[k], ""));
	row(c, lw, "proxyAddresses", b.data ? b.data : "(not set)");
	ew_buf_reset(&b);
	ew_lines_add(c->v, c->n, "Connection (as Outlook's connection status shows it):");
	row(c, lw, "Domain controller", or(d->map.dc, "(none)"));
	row(c, lw, "Global catalog", or(d->map.gc, "(none found)"));
	row(c, lw, "Mailbox server (of homeMDB)", or(d->map.mailbox_server, "(not found)"));
	row(c, lw, "Its Exchange version", d->map.version_known ?
	    or(d->map.mailbox_server_version, "?") : "(not read)");
	row(c, lw, "Mailbox database (homeMDB)", or(d->map.database, "(not found)"));
	for (k = 0; k < d->nspns; k++)
		ew_buf_printf(&b, "%s%s", k ? ", " : "", or(d->spns[k], ""));
	row(c, lw, "The server's SPNs", b.data ? b.data : "(none read)");
	ew_buf_reset(&b);
	if (d->mover_state != EW_MOVER_JUDGED)
		return;
	ew_lines_addf(c->v, c->n, "The mover, %s:", or(m->account, "?"));
	for (k = 0; k < m->ngroups; k++)
		ew_buf_printf(&b, "%s%s", k ? ", " : "", or(m->groups[k], "?"));
	row(c, lw, "Exchange admin groups", b.data ? b.data : "none");
	ew_buf_reset(&b);
	ew_lines_add(c->v, c->n, "Its rights, on each object and to write each attribute:");
	for (k = 0; k < m->nrights; k++) {
		const struct ew_mover_right_data *r = &m->rights[k];
		char label[96];

		if (r->kind == EW_MOVER_ON_OBJECT) {
			ew_buf_printf(&b, "%s, %s", r->full_control ? "Full Control" :
				      r->rights && strcmp(r->rights, "0x0") == 0 ? "none" :
				      or(r->rights, "?"), or(r->dn, ""));
			row(c, lw, or(r->object, "?"), b.data);
			ew_buf_reset(&b);
		} else if (r->kind == EW_MOVER_ATTRIBUTE) {
			snprintf(label, sizeof(label), "Write %s", or(r->right, "?"));
			row(c, lw, label, r->granted ? "allowed on the user" :
			    "not allowed on the user");
		}
	}
}

#define VIEW(kind, fn) \
	static int kind##_lines(const struct view_ctx *c, const json_t *j, char *err, \
				size_t errlen) \
	{ \
		struct ew_##kind##_data d = {0}; \
		\
		if (ew_##kind##_data_from_json(j, &d, err, errlen) != 0) \
			return -1; \
		fn(c, &d); \
		ew_##kind##_data_free(&d); \
		return 0; \
	}

VIEW(dns, dns_view)
VIEW(tickets, tickets_view)
VIEW(groups, groups_view)
VIEW(mailbox, mailbox_view)

/* The views by kind of data; EW_DATA_JSON has none: the JSON itself. */
static const struct data_view {
	int (*lines)(const struct view_ctx *c, const json_t *j, char *err, size_t errlen);
} views[EW_DATA_NKINDS] = {
	[EW_DATA_DNS] = { dns_lines },
	[EW_DATA_TICKETS] = { tickets_lines },
	[EW_DATA_GROUPS] = { groups_lines },
	[EW_DATA_MAILBOX] = { mailbox_lines },
};

void ew_wiz_data_view(enum ew_data_kind k, const json_t *d, const char *mark, int width,
		      int whole, char ***v, size_t *n)
{
	struct view_ctx c = { mark, width, whole, v, n };
	char err[256];

	if ((unsigned)k < EW_DATA_NKINDS && views[k].lines) {
		if (views[k].lines(&c, d, err, sizeof(err)) == 0)
			return;
		ew_lines_addf(v, n, "This data cannot be shown as a table (%s); as saved:", err);
	}
	json_view(&c, d);
}
