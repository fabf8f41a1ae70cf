/*
 * clientparse.c - the result of reading a paste of client output: the names
 * of its kinds, freeing it, and its JSON form for the transcript.
 */
#include "clientparse.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

/* ---- kinds ---- */

static const char *const kind_names[EW_CLIENT_KINDS] = {
	"unknown", "klist", "klist-tgt", "displaydns", "ipconfig-all", "whoami", "event",
	"setspn", "nltest", "other-language",
};
static const char *const kind_commands[EW_CLIENT_KINDS] = {
	"(not recognised)", "klist", "klist tgt", "ipconfig /displaydns", "ipconfig /all",
	"whoami /groups", "wevtutil qe System /f:text", "setspn", "nltest /dsgetdc:",
	"(another display language)",
};

const char *ew_client_kind_name(enum ew_client_kind k)
{
	return (unsigned)k < EW_CLIENT_KINDS ? kind_names[k] : "unknown";
}

const char *ew_client_kind_command(enum ew_client_kind k)
{
	return (unsigned)k < EW_CLIENT_KINDS ? kind_commands[k] : kind_commands[0];
}

/* ---- freeing ---- */

static void ticket_free(struct ew_client_ticket *t)
{
	free(t->client);
	free(t->client_realm);
	free(t->server);
	free(t->server_realm);
	free(t->enctype);
	free(t->session_enctype);
	free(t->flag_names);
	free(t->start);
	free(t->end);
	free(t->renew);
	free(t->cache_flag_names);
	free(t->kdc_called);
}

static void event_free(struct ew_client_event *e)
{
	free(e->log);
	free(e->source);
	free(e->date);
	free(e->task);
	free(e->level);
	free(e->user);
	free(e->computer);
	free(e->description);
	free(e->spn);
	free(e->failure_code);
	free(e->failure_text);
}

void ew_client_free(struct ew_client_paste **pp)
{
	struct ew_client_paste *p;
	size_t i, j;

	if (pp == NULL || *pp == NULL)
		return;
	p = *pp;
	for (i = 0; i < p->nklists; i++) {
		free(p->klists[i].logon_id);
		free(p->klists[i].error);
	}
	for (i = 0; i < p->ntickets; i++)
		ticket_free(&p->tickets[i]);
	free(p->tickets);
	for (i = 0; i < p->ndns; i++) {
		free(p->dns[i].entry);
		free(p->dns[i].name);
		free(p->dns[i].type_name);
		free(p->dns[i].section);
		free(p->dns[i].data);
	}
	free(p->dns);
	free(p->ipconfig.host_name);
	free(p->ipconfig.primary_suffix);
	for (i = 0; i < p->ipconfig.nsearch; i++)
		free(p->ipconfig.search[i]);
	for (i = 0; i < p->ipconfig.nadapters; i++) {
		struct ew_client_adapter *a = p->ipconfig.adapters[i];

		free(a->name);
		free(a->suffix);
		for (j = 0; j < a->ndns; j++)
			free(a->dns_servers[j]);
		free(a);
	}
	free(p->user_name);
	free(p->user_sid);
	for (i = 0; i < p->ngroups; i++) {
		free(p->groups[i].name);
		free(p->groups[i].type);
		free(p->groups[i].sid);
		free(p->groups[i].attributes);
	}
	free(p->groups);
	for (i = 0; i < p->nevents; i++)
		event_free(&p->events[i]);
	free(p->events);
	free(p->setspn.domain);
	for (i = 0; i < p->nspns; i++) {
		free(p->spns[i].account);
		free(p->spns[i].spn);
	}
	free(p->spns);
	for (i = 0; i < p->ndcs; i++) {
		struct ew_client_dc *d = &p->dcs[i];

		free(d->dc);
		free(d->address);
		free(d->domain);
		free(d->forest);
		free(d->dc_site);
		free(d->our_site);
		free(d->flags);
		free(d->error);
	}
	for (i = 0; i < p->nunread_kept; i++)
		free(p->unread_lines[i].text);
	for (i = 0; i < p->nnotes; i++)
		free(p->notes[i]);
	free(p);
	*pp = NULL;
}

/* ---- JSON ---- */

/* Every string kept is clean already: a JSON string of it, or null. */
static json_t *js(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *jint(long v)
{
	return v < 0 ? json_null() : json_integer(v);
}

static json_t *tickets_json(const struct ew_client_paste *p)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < p->ntickets; i++) {
		const struct ew_client_ticket *t = &p->tickets[i];

		json_array_append_new(a, json_pack("{s:o s:b s:o s:o s:o s:o s:o s:o s:o s:o s:o s:o s:o s:o s:o s:o s:i}",
			"index", jint(t->index), "tgt", t->tgt_view,
			"client", js(t->client), "client_realm", js(t->client_realm),
			"server", js(t->server), "server_realm", js(t->server_realm),
			"enctype", js(t->enctype), "session_enctype", js(t->session_enctype),
			"flags", t->has_flags ? json_integer(t->flags) : json_null(),
			"flag_names", js(t->flag_names),
			"start", js(t->start), "end", js(t->end), "renew", js(t->renew),
			"cache_flags", t->has_cache_flags ? json_integer(t->cache_flags) : json_null(),
			"cache_flag_names", js(t->cache_flag_names),
			"kdc_called", js(t->kdc_called), "line", (int)t->line));
	}
	return a;
}

static const char *dns_status_name(enum ew_client_dns_status s)
{
	return s == EW_CLIENT_DNS_NXDOMAIN ? "name-does-not-exist" :
	       s == EW_CLIENT_DNS_NODATA ? "no-records-of-type" : "record";
}

static json_t *dns_json(const struct ew_client_paste *p)
{
	json_t *a = json_array(), *o;
	size_t i;

	for (i = 0; a && i < p->ndns; i++) {
		const struct ew_client_dnsrec *r = &p->dns[i];

		o = json_pack("{s:s s:o s:o s:o s:o s:o s:o s:o s:o s:i}",
			"status", dns_status_name(r->status), "entry", js(r->entry),
			"name", js(r->name), "type", jint(r->type), "type_name", js(r->type_name),
			"ttl", jint(r->ttl), "data_length", jint(r->data_length),
			"section", js(r->section), "data", js(r->data), "line", (int)r->line);
		if (o && r->srv_port >= 0)
			json_object_set_new(o, "srv", json_pack("{s:o s:o s:o}",
				"priority", jint(r->srv_priority), "weight", jint(r->srv_weight),
				"port", jint(r->srv_port)));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *strings_json(char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		json_array_append_new(a, js(v[i]));
	return a;
}

static json_t *ipconfig_json(const struct ew_client_ipconfig *ip)
{
	json_t *o, *ad;
	size_t i;

	if (!ip->seen)
		return json_null();
	ad = json_array();
	for (i = 0; ad && i < ip->nadapters; i++) {
		const struct ew_client_adapter *a = ip->adapters[i];

		json_array_append_new(ad, json_pack("{s:o s:o s:o}", "name", js(a->name),
			"suffix", js(a->suffix), "dns_servers", strings_json(a->dns_servers, a->ndns)));
	}
	o = json_pack("{s:o s:o s:o s:o}", "host_name", js(ip->host_name),
		"primary_suffix", js(ip->primary_suffix),
		"search_list", strings_json(ip->search, ip->nsearch), "adapters", ad);
	return o;
}

static json_t *groups_json(const struct ew_client_paste *p)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < p->ngroups; i++) {
		const struct ew_client_group *g = &p->groups[i];

		json_array_append_new(a, json_pack("{s:o s:o s:o s:o s:b s:b s:i}",
			"name", js(g->name), "type", js(g->type), "sid", js(g->sid),
			"attributes", js(g->attributes), "enabled", g->enabled,
			"deny_only", g->deny_only, "line", (int)g->line));
	}
	return a;
}

static json_t *events_json(const struct ew_client_paste *p)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < p->nevents; i++) {
		const struct ew_client_event *e = &p->events[i];

		json_array_append_new(a, json_pack("{s:o s:o s:o s:o s:o s:o s:o s:o s:o s:o s:o s:o s:o s:i}",
			"index", jint(e->index), "id", jint(e->id), "log", js(e->log),
			"source", js(e->source), "date", js(e->date), "task", js(e->task),
			"level", js(e->level), "user", js(e->user), "computer", js(e->computer),
			"description", js(e->description), "spn", js(e->spn),
			"failure_code", js(e->failure_code), "failure_text", js(e->failure_text),
			"line", (int)e->line));
	}
	return a;
}

static json_t *setspn_json(const struct ew_client_paste *p)
{
	json_t *a = json_array();
	size_t i;

	if (!p->setspn.seen && p->nspns == 0) {
		json_decref(a);
		return json_null();
	}
	for (i = 0; a && i < p->nspns; i++) {
		const struct ew_client_spn *s = &p->spns[i];

		json_array_append_new(a, json_pack("{s:s s:o s:o s:i}",
			"source", s->source == EW_CLIENT_SPN_DUPLICATE ? "duplicate" : "listed",
			"account", js(s->account), "spn", js(s->spn), "line", (int)s->line));
	}
	return json_pack("{s:o s:o s:o s:o}", "domain", js(p->setspn.domain),
		"found", p->setspn.found < 0 ? json_null() : json_boolean(p->setspn.found),
		"duplicate_groups", jint(p->setspn.duplicate_groups), "spns", a);
}

static json_t *dcs_json(const struct ew_client_paste *p)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < p->ndcs; i++) {
		const struct ew_client_dc *d = &p->dcs[i];

		json_array_append_new(a, json_pack("{s:o s:o s:o s:o s:o s:o s:o s:b s:o s:i}",
			"dc", js(d->dc), "address", js(d->address), "domain", js(d->domain),
			"forest", js(d->forest), "dc_site", js(d->dc_site),
			"our_site", js(d->our_site), "flags", js(d->flags), "ok", d->ok,
			"error", js(d->error), "line", (int)d->line));
	}
	return a;
}

json_t *ew_client_to_json(const struct ew_client_paste *p)
{
	json_t *o = NULL, *blocks, *klists, *unr, *notes;
	size_t i;

	if (p == NULL)
		return json_null();
	blocks = json_array();
	for (i = 0; blocks && i < p->nblocks; i++) {
		const struct ew_client_block *b = &p->blocks[i];
		json_t *bo = json_pack("{s:s s:i s:i s:i s:i}", "kind", ew_client_kind_name(b->kind),
			"first_line", (int)b->first_line, "lines", (int)b->nlines,
			"unread", (int)b->unread, "skipped", (int)b->skipped);

		if (bo && b->kind == EW_CLIENT_FOREIGN) {
			json_object_set_new(bo, "language", js(b->language));
			json_object_set_new(bo, "looks_like", json_string(ew_client_kind_name(b->foreign_kind)));
		}
		json_array_append_new(blocks, bo);
	}
	klists = json_array();
	for (i = 0; klists && i < p->nklists; i++)
		json_array_append_new(klists, json_pack("{s:o s:o s:o}",
			"logon_id", js(p->klists[i].logon_id), "stated", jint(p->klists[i].stated),
			"error", js(p->klists[i].error)));
	unr = json_array();
	for (i = 0; unr && i < p->nunread_kept; i++)
		json_array_append_new(unr, json_pack("{s:i s:s s:o}",
			"line", (int)p->unread_lines[i].line,
			"kind", ew_client_kind_name(p->unread_lines[i].kind),
			"text", js(p->unread_lines[i].text)));
	notes = strings_json(p->notes, p->nnotes);
	o = json_pack("{s:s s:I s:b s:i s:i s:o s:o s:o s:o s:o s:o s:o s:o s:o s:o s:{s:i s:o} s:o s:b}",
		"encoding", p->encoding ? p->encoding : "", "bytes", (json_int_t)p->bytes,
		"cut", p->cut, "lines", (int)p->lines, "invalid_bytes", (int)p->invalid_bytes,
		"blocks", blocks, "klist", klists, "tickets", tickets_json(p),
		"dns", dns_json(p), "ipconfig", ipconfig_json(&p->ipconfig),
		"whoami", p->whoami_seen ? json_pack("{s:o s:o s:I}", "user", js(p->user_name),
			"sid", js(p->user_sid), "count", (json_int_t)p->ngroups) : json_null(),
		"groups", groups_json(p), "events", events_json(p), "setspn", setspn_json(p),
		"dcs", dcs_json(p), "unread", "count", (int)p->unread, "lines", unr,
		"notes", notes, "partial", p->oom);
	return o;
}
