#include "sweeprules.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "causes.h"
#include "text.h"

const char *const ew_sweep_causes[] = {
	EW_CAUSE_TOKEN_TOO_LARGE, EW_CAUSE_SID_LIMIT, EW_CAUSE_MAILBOX_HALF_MOVED,
	EW_CAUSE_MAILBOX_DESCRIPTOR, EW_CAUSE_MAILBOX_PROTECTED, EW_CAUSE_SPN_DUPLICATE,
	EW_CAUSE_SPN_MISSING,
};
const size_t ew_sweep_ncauses = sizeof(ew_sweep_causes) / sizeof(ew_sweep_causes[0]);

int ew_sweep_cause_known(const char *id)
{
	size_t i;

	for (i = 0; id && i < ew_sweep_ncauses; i++)
		if (strcmp(ew_sweep_causes[i], id) == 0)
			return 1;
	return 0;
}

/* ---- a map of strings (case-insensitive) to indexes ---- */

struct strmap {
	const char **keys;	/* borrowed from the owner's records */
	size_t *vals;
	size_t cap, n;		/* cap: a power of two */
};

static uint64_t hash_ci(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++) {
		h ^= (unsigned char)tolower((unsigned char)*s);
		h *= 1099511628211ull;
	}
	return h;
}

static int map_grow(struct strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024, i;
	const char **keys = calloc(cap, sizeof(*keys));
	size_t *vals = calloc(cap, sizeof(*vals));

	if (keys == NULL || vals == NULL) {
		free(keys);
		free(vals);
		return -1;
	}
	for (i = 0; i < m->cap; i++) {
		size_t j;

		if (m->keys[i] == NULL)
			continue;
		for (j = hash_ci(m->keys[i]) & (cap - 1); keys[j]; j = (j + 1) & (cap - 1))
			;
		keys[j] = m->keys[i];
		vals[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = cap;
	return 0;
}

/* The slot of key: where it is, or the empty one where it would go. */
static size_t map_slot(const struct strmap *m, const char *key)
{
	size_t j;

	for (j = hash_ci(key) & (m->cap - 1); m->keys[j]; j = (j + 1) & (m->cap - 1))
		if (strcasecmp(m->keys[j], key) == 0)
			break;
	return j;
}

static int map_get(const struct strmap *m, const char *key, size_t *val)
{
	size_t j;

	if (m->cap == 0 || key == NULL)
		return 0;
	j = map_slot(m, key);
	if (m->keys[j] == NULL)
		return 0;
	*val = m->vals[j];
	return 1;
}

/* Room for one more key: 0, or -1 when out of memory. */
static int map_reserve(struct strmap *m)
{
	return (m->n + 1) * 2 > m->cap ? map_grow(m) : 0;
}

/* Adds key (not there yet). 0, or -1 when out of memory (never after a
 * map_reserve). */
static int map_put(struct strmap *m, const char *key, size_t val)
{
	size_t j;

	if (map_reserve(m) != 0)
		return -1;
	j = map_slot(m, key);
	if (m->keys[j] == NULL)
		m->n++;
	m->keys[j] = key;
	m->vals[j] = val;
	return 0;
}

static void map_free(struct strmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* ---- the group graph ---- */

struct gnode {
	char *dn;
	char sidtext[192];
	struct ew_sid sid;
	unsigned group_type;
	char **up_dn;		/* memberOf, until linked */
	size_t nup_dn;
	size_t *up;		/* the groups it is a member of */
	size_t nup;
	unsigned mark;
	int complete;		/* its memberOf was read to the end */
	int phantom;		/* not a group read: a parent the reader could not read
				 * (or of another domain), or what a memberOf cut short
				 * hides: in a token, a group not looked up */
};

struct ew_sweep_graph {
	struct gnode *v;
	size_t n, cap;
	struct strmap by_dn, by_sid;
	size_t nreal;		/* groups read (the others are phantoms) */
	unsigned gen;
	size_t *stack;
	size_t stack_cap;
	struct ew_token_group *tg;
	size_t tg_cap;
};

struct ew_sweep_graph *ew_sweep_graph_new(void)
{
	return calloc(1, sizeof(struct ew_sweep_graph));
}

void ew_sweep_graph_free(struct ew_sweep_graph **gp)
{
	struct ew_sweep_graph *g = gp ? *gp : NULL;
	size_t i, j;

	if (g == NULL)
		return;
	for (i = 0; i < g->n; i++) {
		for (j = 0; j < g->v[i].nup_dn; j++)
			free(g->v[i].up_dn[j]);
		free(g->v[i].up_dn);
		free(g->v[i].up);
		free(g->v[i].dn);
	}
	free(g->v);
	map_free(&g->by_dn);
	map_free(&g->by_sid);
	free(g->stack);
	free(g->tg);
	free(g);
	*gp = NULL;
}

static int node_add(struct ew_sweep_graph *g, const char *dn, const struct ew_sid *sid,
		    unsigned group_type, const char *const *member_of, size_t n, int complete,
		    int phantom)
{
	struct gnode *v;
	size_t i, old;

	if (g == NULL || dn == NULL)
		return -1;
	if (map_get(&g->by_dn, dn, &old))
		return 0;
	/* room in both maps first: the puts below cannot fail half-way */
	if (map_reserve(&g->by_dn) != 0 || map_reserve(&g->by_sid) != 0)
		return -1;
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 256;
		struct gnode *nv = realloc(g->v, cap * sizeof(*nv));

		if (nv == NULL)
			return -1;
		g->v = nv;
		g->cap = cap;
		/* the maps borrow the keys: point them at the moved records */
		for (i = 0; i < g->by_dn.cap; i++)
			if (g->by_dn.keys[i])
				g->by_dn.keys[i] = g->v[g->by_dn.vals[i]].dn;
		for (i = 0; i < g->by_sid.cap; i++)
			if (g->by_sid.keys[i])
				g->by_sid.keys[i] = g->v[g->by_sid.vals[i]].sidtext;
	}
	v = &g->v[g->n];
	memset(v, 0, sizeof(*v));
	if ((v->dn = strdup(dn)) == NULL)
		return -1;
	if (sid && sid->revision) {
		v->sid = *sid;
		ew_sid_format(sid, v->sidtext, sizeof(v->sidtext));
	}
	v->group_type = group_type;
	v->complete = complete;
	v->phantom = phantom;
	if (n && (v->up_dn = calloc(n, sizeof(*v->up_dn))) == NULL) {
		free(v->dn);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (member_of[i] == NULL)
			continue;
		if ((v->up_dn[v->nup_dn] = strdup(member_of[i])) == NULL)
			goto oom;
		v->nup_dn++;
	}
	if (v->sidtext[0] && !map_get(&g->by_sid, v->sidtext, &old))
		map_put(&g->by_sid, v->sidtext, g->n);
	map_put(&g->by_dn, v->dn, g->n);
	g->n++;
	g->nreal += !phantom;
	return 0;
oom:
	for (i = 0; i < v->nup_dn; i++)
		free(v->up_dn[i]);
	free(v->up_dn);
	free(v->dn);
	return -1;
}

int ew_sweep_graph_add(struct ew_sweep_graph *g, const char *dn, const struct ew_sid *sid,
		       unsigned group_type, const char *const *member_of, size_t n, int complete)
{
	return node_add(g, dn, sid, group_type, member_of, n, complete, 0);
}

/*
 * A parent DN the graph does not have becomes a phantom: reached in a
 * token, it is a group not looked up (counted once, however many groups
 * lead to it). A memberOf cut short gets a phantom of its own for what it
 * hides. The phantoms are added behind the groups (the records move: each
 * is looked at by index).
 */
int ew_sweep_graph_link(struct ew_sweep_graph *g)
{
	size_t i, j, k, nup;
	char *hidden;

	for (i = 0; g && i < g->n; i++) {
		nup = g->v[i].nup_dn + !g->v[i].complete;
		if (nup && g->v[i].up == NULL &&
		    (g->v[i].up = calloc(nup, sizeof(*g->v[i].up))) == NULL)
			return -1;
		for (j = 0; j < g->v[i].nup_dn; j++) {
			char *dn = g->v[i].up_dn[j];

			if (!map_get(&g->by_dn, dn, &k)) {
				if (node_add(g, dn, NULL, 0, NULL, 0, 1, 1) != 0)
					return -1;
				k = g->n - 1;
			}
			g->v[i].up[g->v[i].nup++] = k;
			free(dn);
			g->v[i].up_dn[j] = NULL;
		}
		free(g->v[i].up_dn);
		g->v[i].up_dn = NULL;
		g->v[i].nup_dn = 0;
		if (!g->v[i].complete && !g->v[i].phantom) {
			/* "\x01" begins no DN: a key of its own */
			hidden = ew_strprintf("\x01(the rest of the memberOf of) %s", g->v[i].dn);
			if (hidden == NULL || node_add(g, hidden, NULL, 0, NULL, 0, 1, 1) != 0) {
				free(hidden);
				return -1;
			}
			free(hidden);
			g->v[i].up[g->v[i].nup++] = g->n - 1;
			g->v[i].complete = 1;
		}
	}
	return 0;
}

size_t ew_sweep_graph_size(const struct ew_sweep_graph *g)
{
	return g ? g->nreal : 0;
}

static int push(struct ew_sweep_graph *g, size_t *n, size_t idx)
{
	if (*n == g->stack_cap) {
		size_t cap = g->stack_cap ? g->stack_cap * 2 : 256;
		size_t *s = realloc(g->stack, cap * sizeof(*s));

		if (s == NULL)
			return -1;
		g->stack = s;
		g->stack_cap = cap;
	}
	g->stack[(*n)++] = idx;
	return 0;
}

static struct ew_token_group *tg_next(struct ew_sweep_graph *g, size_t *n)
{
	if (*n == g->tg_cap) {
		size_t cap = g->tg_cap ? g->tg_cap * 2 : 256;
		struct ew_token_group *t = realloc(g->tg, cap * sizeof(*t));

		if (t == NULL)
			return NULL;
		g->tg = t;
		g->tg_cap = cap;
	}
	memset(&g->tg[*n], 0, sizeof(g->tg[0]));
	return &g->tg[(*n)++];
}

void ew_sweep_graph_token(struct ew_sweep_graph *g, const char *const *member_of, size_t n,
			  const struct ew_sid *primary, const struct ew_sid *domain,
			  unsigned sid_history, struct ew_token_counts *out)
{
	size_t i, k, ns = 0, nt = 0;
	char text[192];
	struct ew_token_group *t;

	if (++g->gen == 0) {	/* wrapped: clear the marks once */
		for (i = 0; i < g->n; i++)
			g->v[i].mark = 0;
		g->gen = 1;
	}
	for (i = 0; i < n; i++) {
		if (member_of[i] == NULL)
			continue;
		if (map_get(&g->by_dn, member_of[i], &k)) {
			push(g, &ns, k);
		} else if ((t = tg_next(g, &nt)) != NULL) {
			t->not_looked_up = 1;	/* a group the graph does not have */
		}
	}
	if (primary && primary->revision) {
		ew_sid_format(primary, text, sizeof(text));
		if (map_get(&g->by_sid, text, &k)) {
			push(g, &ns, k);
		} else if ((t = tg_next(g, &nt)) != NULL) {
			t->sid = *primary;
			t->not_looked_up = 1;
		}
	}
	while (ns > 0) {
		struct gnode *v = &g->v[g->stack[--ns]];

		if (v->mark == g->gen)
			continue;
		v->mark = g->gen;
		if ((t = tg_next(g, &nt)) == NULL)
			break;
		if (v->phantom) {
			t->not_looked_up = 1;
			continue;
		}
		t->sid = v->sid;
		t->resolved = 1;
		t->group_type = v->group_type;
		/* Only security groups carry their own groups into the token. */
		if (!(v->group_type & EW_GT_SECURITY))
			continue;
		for (k = 0; k < v->nup; k++)
			if (g->v[v->up[k]].mark != g->gen)
				push(g, &ns, v->up[k]);
	}
	ew_token_count(domain, g->tg, nt, sid_history, out);
}

/* ---- the forest's SPNs ---- */

#define SPN_MAX_HOLDERS 16

struct spn_entry {
	char *spn;		/* as first seen */
	size_t holder[SPN_MAX_HOLDERS];
	size_t nholders;	/* may exceed SPN_MAX_HOLDERS: only the first are kept */
};

struct ew_sweep_spns {
	struct spn_entry *v;
	size_t n, cap;
	struct { char *account, *dn; } *acct;
	size_t nacct, acap;
	struct strmap map;
};

struct ew_sweep_spns *ew_sweep_spns_new(void)
{
	return calloc(1, sizeof(struct ew_sweep_spns));
}

void ew_sweep_spns_free(struct ew_sweep_spns **sp)
{
	struct ew_sweep_spns *s = sp ? *sp : NULL;
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		free(s->v[i].spn);
	for (i = 0; i < s->nacct; i++) {
		free(s->acct[i].account);
		free(s->acct[i].dn);
	}
	free(s->v);
	free(s->acct);
	map_free(&s->map);
	free(s);
	*sp = NULL;
}

int ew_sweep_spns_add(struct ew_sweep_spns *s, const char *account, const char *dn,
		      const char *const *spns, size_t n)
{
	size_t i, a, k;

	if (s == NULL || n == 0)
		return 0;
	if (s->nacct == s->acap) {
		size_t cap = s->acap ? s->acap * 2 : 256;
		void *p = realloc(s->acct, cap * sizeof(*s->acct));

		if (p == NULL)
			return -1;
		s->acct = p;
		s->acap = cap;
	}
	a = s->nacct;
	s->acct[a].account = strdup(account ? account : "");
	s->acct[a].dn = strdup(dn ? dn : "");
	if (s->acct[a].account == NULL || s->acct[a].dn == NULL) {
		free(s->acct[a].account);
		free(s->acct[a].dn);
		return -1;
	}
	s->nacct++;
	for (i = 0; i < n; i++) {
		struct spn_entry *e;

		if (spns[i] == NULL || spns[i][0] == '\0')
			continue;
		if (map_get(&s->map, spns[i], &k)) {
			e = &s->v[k];
			if (e->nholders && e->holder[e->nholders < SPN_MAX_HOLDERS ?
						     e->nholders - 1 : SPN_MAX_HOLDERS - 1] == a)
				continue;	/* the same account, twice (case) */
			if (e->nholders < SPN_MAX_HOLDERS)
				e->holder[e->nholders] = a;
			e->nholders++;
			continue;
		}
		if (s->n == s->cap) {
			size_t cap = s->cap ? s->cap * 2 : 1024, j;
			struct spn_entry *nv = realloc(s->v, cap * sizeof(*nv));

			if (nv == NULL)
				return -1;
			s->v = nv;
			s->cap = cap;
			for (j = 0; j < s->map.cap; j++)
				if (s->map.keys[j])
					s->map.keys[j] = s->v[s->map.vals[j]].spn;
		}
		e = &s->v[s->n];
		memset(e, 0, sizeof(*e));
		/* as the first holder spells it; the map ignores case */
		if ((e->spn = strdup(spns[i])) == NULL)
			return -1;
		e->holder[0] = a;
		e->nholders = 1;
		if (map_put(&s->map, e->spn, s->n) != 0) {
			free(e->spn);
			return -1;
		}
		s->n++;
	}
	return 0;
}

size_t ew_sweep_spns_count(const struct ew_sweep_spns *s)
{
	return s ? s->n : 0;
}

size_t ew_sweep_spns_holders(const struct ew_sweep_spns *s, const char *spn,
			     const char **accounts, const char **dns, size_t max)
{
	const struct spn_entry *e;
	size_t k, i;

	if (s == NULL || !map_get(&s->map, spn, &k))
		return 0;
	e = &s->v[k];
	for (i = 0; i < max && i < e->nholders && i < SPN_MAX_HOLDERS; i++) {
		if (accounts)
			accounts[i] = s->acct[e->holder[i]].account;
		if (dns)
			dns[i] = s->acct[e->holder[i]].dn;
	}
	return e->nholders;
}

void ew_sweep_spns_duplicates(const struct ew_sweep_spns *s,
			      void (*fn)(void *arg, const char *spn, const char *const *accounts,
					 const char *const *dns, size_t n),
			      void *arg)
{
	const char *acc[SPN_MAX_HOLDERS], *dns[SPN_MAX_HOLDERS];
	size_t i, j, n;

	for (i = 0; s && i < s->n; i++) {
		if (s->v[i].nholders < 2)
			continue;
		n = s->v[i].nholders < SPN_MAX_HOLDERS ? s->v[i].nholders : SPN_MAX_HOLDERS;
		for (j = 0; j < n; j++) {
			acc[j] = s->acct[s->v[i].holder[j]].account;
			dns[j] = s->acct[s->v[i].holder[j]].dn;
		}
		fn(arg, s->v[i].spn, acc, dns, n);
	}
}

/* ---- the problems ---- */

json_t *ew_sweep_problem(const char *account, const char *dn, const char *cause,
			 const char *title, const char *const *evidence, size_t nevidence)
{
	json_t *p = json_object(), *ev = json_array();
	size_t i;

	if (p == NULL || ev == NULL) {
		json_decref(p);
		json_decref(ev);
		return NULL;
	}
	json_object_set_new(p, "account", ew_json_string_clean(account ? account : ""));
	json_object_set_new(p, "dn", ew_json_string_clean(dn ? dn : ""));
	json_object_set_new(p, "cause", json_string(cause ? cause : ""));
	json_object_set_new(p, "title", ew_json_string_clean(title ? title : ""));
	for (i = 0; evidence && i < nevidence; i++)
		if (evidence[i])
			json_array_append_new(ev, ew_json_string_clean(evidence[i]));
	json_object_set_new(p, "evidence", ev);
	return p;
}

json_t *ew_sweep_counts(const json_t *problems)
{
	json_t *c = json_object(), *p;
	size_t i, k;

	if (c == NULL)
		return NULL;
	for (k = 0; k < ew_sweep_ncauses; k++) {
		json_int_t n = 0;

		json_array_foreach(problems, i, p) {
			const char *id = json_string_value(json_object_get(p, "cause"));

			n += id && strcmp(id, ew_sweep_causes[k]) == 0;
		}
		if (n)
			json_object_set_new(c, ew_sweep_causes[k], json_integer(n));
	}
	return c;
}
