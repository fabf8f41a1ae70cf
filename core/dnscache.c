#include "dnscache.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spawn.h"
#include "text.h"

#define GLIBC_MAXNS 3

void ew_resolv_clear(struct ew_resolv *r)
{
	size_t i;

	for (i = 0; i < r->nservers; i++)
		free(r->servers[i]);
	for (i = 0; i < r->nsearch; i++)
		free(r->search[i]);
	memset(r, 0, sizeof(*r));
}

static void set_search(struct ew_resolv *r, char *rest)
{
	char *tok, *save = NULL;
	size_t i;

	for (i = 0; i < r->nsearch; i++)
		free(r->search[i]);
	r->nsearch = 0;
	for (tok = strtok_r(rest, " \t", &save); tok && r->nsearch < EW_RESOLV_MAX;
	     tok = strtok_r(NULL, " \t", &save)) {
		char *c = ew_text_cleanz(tok);

		if (c)
			r->search[r->nsearch++] = c;
	}
}

static void take_option(struct ew_resolv *r, const char *opt)
{
	const char *colon = strchr(opt, ':');
	int v = colon ? atoi(colon + 1) : 0;

	if (strncmp(opt, "ndots:", 6) == 0)
		r->ndots = v;
	else if (strncmp(opt, "timeout:", 8) == 0)
		r->timeout = v;
	else if (strncmp(opt, "attempts:", 9) == 0)
		r->attempts = v;
	else if (strcmp(opt, "rotate") == 0)
		r->rotate = 1;
}

void ew_resolv_parse(const char *text, struct ew_resolv *out)
{
	char *copy, *line, *save = NULL;

	memset(out, 0, sizeof(*out));
	out->ndots = 1;
	out->timeout = 5;
	out->attempts = 2;
	if (text == NULL || (copy = strdup(text)) == NULL)
		return;
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *kw, *rest, *end;

		line[strcspn(line, "#;")] = '\0';
		kw = line + strspn(line, " \t\r");
		rest = kw + strcspn(kw, " \t\r");
		if (*rest)
			*rest++ = '\0';
		rest += strspn(rest, " \t");
		for (end = rest + strlen(rest); end > rest && isspace((unsigned char)end[-1]); end--)
			end[-1] = '\0';
		if (strcmp(kw, "nameserver") == 0) {
			unsigned char a[16];
			char addr[64];

			snprintf(addr, sizeof(addr), "%.*s", (int)strcspn(rest, " \t%"), rest);
			if (inet_pton(AF_INET, addr, a) != 1 && inet_pton(AF_INET6, addr, a) != 1)
				out->bad++;
			else if (out->nservers >= GLIBC_MAXNS)
				out->ignored++;
			else if ((out->servers[out->nservers] = strdup(addr)) != NULL)
				out->nservers++;
		} else if (strcmp(kw, "search") == 0 || strcmp(kw, "domain") == 0) {
			set_search(out, rest);
		} else if (strcmp(kw, "options") == 0) {
			char *opt, *osave = NULL;

			for (opt = strtok_r(rest, " \t", &osave); opt; opt = strtok_r(NULL, " \t", &osave))
				take_option(out, opt);
		}
	}
	free(copy);
}

void ew_resolv_system(struct ew_resolv *out)
{
	if (ew_resolv_load("/etc/resolv.conf", out) != 0 || out->nservers == 0) {
		ew_resolv_clear(out);
		ew_resolv_parse("nameserver 127.0.0.1\n", out);
	}
}

int ew_resolv_load(const char *path, struct ew_resolv *out)
{
	char buf[65536];
	size_t n;
	FILE *fp;

	memset(out, 0, sizeof(*out));
	fp = fopen(path, "re");
	if (fp == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	ew_resolv_parse(buf, out);
	return 0;
}

int ew_ip_is_loopback(const char *ip)
{
	unsigned char a[16];

	if (inet_pton(AF_INET, ip, a) == 1)
		return a[0] == 127;
	if (inet_pton(AF_INET6, ip, a) == 1) {
		static const unsigned char one[16] = { [15] = 1 };

		return memcmp(a, one, 16) == 0;
	}
	return 0;
}

const char *ew_cache_kind_name(enum ew_cache_kind k)
{
	switch (k) {
	case EW_CACHE_DNSMASQ: return "dnsmasq";
	case EW_CACHE_RESOLVED: return "systemd-resolved";
	case EW_CACHE_UNBOUND: return "unbound";
	case EW_CACHE_NSCD: return "nscd";
	case EW_CACHE_SSSD: return "sssd";
	default: return "local resolver";
	}
}

void ew_cache_free_all(struct ew_cache *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(c[i].program);
		free(c[i].address);
		free(c[i].detail);
	}
	free(c);
}

static int read_small(const char *path, char *buf, size_t len)
{
	FILE *fp = fopen(path, "re");
	size_t n;

	if (fp == NULL)
		return -1;
	n = fread(buf, 1, len - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* The basename of the executable of pid ("" when it cannot be read). */
static void exe_name(pid_t pid, char *buf, size_t len)
{
	char link[64], target[4096];
	ssize_t n;
	char *base;

	buf[0] = '\0';
	snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	base[strcspn(base, " ")] = '\0';	/* " (deleted)" */
	if (strlen(base) >= len)
		return;
	memcpy(buf, base, strlen(base) + 1);
}

static int same_netns(pid_t pid)
{
	char a[64], b[64], link[64];
	ssize_t n, m;

	snprintf(link, sizeof(link), "/proc/%d/ns/net", (int)pid);
	n = readlink(link, a, sizeof(a) - 1);
	m = readlink("/proc/self/ns/net", b, sizeof(b) - 1);
	if (n <= 0 || m <= 0)
		return 0;
	return n == m && memcmp(a, b, (size_t)n) == 0;
}

/* The pid whose file descriptors hold socket:[inode], or 0. */
static pid_t socket_owner(unsigned long inode)
{
	char want[64], link[600], target[64];
	struct dirent *p, *f;
	DIR *proc, *fds;
	pid_t found = 0;

	snprintf(want, sizeof(want), "socket:[%lu]", inode);	/* fits: 20 digits */
	proc = opendir("/proc");
	if (proc == NULL)
		return 0;
	while (!found && (p = readdir(proc)) != NULL) {
		char path[300];

		if (!isdigit((unsigned char)p->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", p->d_name);
		fds = opendir(path);
		if (fds == NULL)
			continue;
		while ((f = readdir(fds)) != NULL) {
			ssize_t n;

			snprintf(link, sizeof(link), "%s/%s", path, f->d_name);
			n = readlink(link, target, sizeof(target) - 1);
			if (n <= 0)
				continue;
			target[n] = '\0';
			if (strcmp(target, want) == 0) {
				found = (pid_t)atoi(p->d_name);
				break;
			}
		}
		closedir(fds);
	}
	closedir(proc);
	return found;
}

/* The inode of a UDP socket bound to ip:53 (or the wildcard), or 0. */
static unsigned long udp53_inode(const char *ip)
{
	struct in_addr want4;
	struct in6_addr want6;
	int v6 = inet_pton(AF_INET, ip, &want4) != 1;
	char line[512];
	unsigned long found = 0;
	FILE *fp;

	if (v6 && inet_pton(AF_INET6, ip, &want6) != 1)
		return 0;
	fp = fopen(v6 ? "/proc/net/udp6" : "/proc/net/udp", "re");
	if (fp == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), fp)) {
		char local[64];
		unsigned port;
		unsigned long inode;

		if (sscanf(line, " %*d: %63[0-9A-Fa-f]:%x %*s %*x %*s %*s %*s %*d %*d %lu",
			   local, &port, &inode) != 3 || port != 53)
			continue;
		if (!v6) {
			struct in_addr a;

			a.s_addr = (in_addr_t)strtoul(local, NULL, 16);
			if (a.s_addr == want4.s_addr || a.s_addr == 0)
				found = inode;
		} else if (strlen(local) == 32) {
			struct in6_addr a;
			uint32_t w[4];
			int i;

			for (i = 0; i < 4; i++) {
				char part[9];

				memcpy(part, local + 8 * i, 8);
				part[8] = '\0';
				w[i] = (uint32_t)strtoul(part, NULL, 16);
			}
			memcpy(&a, w, 16);
			if (memcmp(&a, &want6, 16) == 0 || memcmp(&a, &in6addr_any, 16) == 0)
				found = inode;
		}
	}
	fclose(fp);
	return found;
}

static enum ew_cache_kind kind_of(const char *exe, const char *comm)
{
	if (strcmp(exe, "dnsmasq") == 0 || strcmp(comm, "dnsmasq") == 0)
		return EW_CACHE_DNSMASQ;
	if (strcmp(exe, "systemd-resolved") == 0 || strcmp(comm, "systemd-resolve") == 0)
		return EW_CACHE_RESOLVED;
	if (strcmp(exe, "unbound") == 0 || strcmp(comm, "unbound") == 0)
		return EW_CACHE_UNBOUND;
	return EW_CACHE_OTHER;
}

static int add_cache(struct ew_cache **v, size_t *n, enum ew_cache_kind kind, pid_t pid,
		     const char *program, const char *address, const char *path,
		     const char *detail)
{
	struct ew_cache *nv = realloc(*v, (*n + 1) * sizeof(**v));
	struct ew_cache *c;

	if (nv == NULL)
		return -1;
	*v = nv;
	c = &nv[(*n)++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->pid = pid;
	c->program = ew_text_cleanz(program);
	c->address = address ? strdup(address) : NULL;
	c->path = path;
	c->detail = detail ? ew_text_cleanz(detail) : NULL;
	return 0;
}

static pid_t find_process(const char *name)
{
	struct dirent *p;
	pid_t found = 0;
	DIR *proc = opendir("/proc");

	if (proc == NULL)
		return 0;
	while (!found && (p = readdir(proc)) != NULL) {
		char path[300], comm[64];

		if (!isdigit((unsigned char)p->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", p->d_name);
		if (read_small(path, comm, sizeof(comm)) == 0 && strcmp(comm, name) == 0 &&
		    same_netns((pid_t)atoi(p->d_name)))
			found = (pid_t)atoi(p->d_name);
	}
	closedir(proc);
	return found;
}

int ew_cache_detect(const struct ew_resolv *rc, struct ew_cache **out, size_t *n)
{
	static const char resolver_path[] = "SRV lookups (KDC and DC location) and host "
					    "lookups";
	struct ew_cache *v = NULL;
	glob_t g;
	size_t i;
	pid_t pid;

	*out = NULL;
	*n = 0;
	for (i = 0; i < rc->nservers; i++) {
		char exe[256] = "", comm[64] = "", path[64], detail[256];
		unsigned long inode;

		if (!ew_ip_is_loopback(rc->servers[i]))
			continue;
		inode = udp53_inode(rc->servers[i]);
		pid = inode ? socket_owner(inode) : 0;
		if (pid) {
			exe_name(pid, exe, sizeof(exe));
			snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
			read_small(path, comm, sizeof(comm));
		}
		snprintf(detail, sizeof(detail), "answers on %s:53%s", rc->servers[i],
			 pid ? "" : inode ? " (process not identified: run as root to see it)" :
			 " (nothing listens there)");
		if (!inode)
			continue;	/* not a cache: DNS-SERVERS reports a dead resolver */
		add_cache(&v, n, kind_of(exe, comm), pid,
			  pid ? (*exe ? exe : comm) : "local resolver", rc->servers[i],
			  resolver_path, detail);
	}
	pid = find_process("nscd");
	if (pid || access("/var/run/nscd/socket", F_OK) == 0)
		add_cache(&v, n, EW_CACHE_NSCD, pid, "nscd", NULL,
			  "NSS host lookups (KDC and Exchange host names; not SRV)",
			  "hosts cache of the name service cache daemon");
	if (glob("/var/lib/sss/pubconf/kdcinfo.*", 0, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++) {
			char content[256] = "", detail[512];

			read_small(g.gl_pathv[i], content, sizeof(content));
			snprintf(detail, sizeof(detail), "%s lists KDC %s", g.gl_pathv[i], content);
			add_cache(&v, n, EW_CACHE_SSSD, 0, "sssd", NULL,
				  "KDC location of MIT krb5 (sssd locator plugin; not DNS)", detail);
		}
		globfree(&g);
	}
	*out = v;
	return 0;
}

static int signal_verified(const struct ew_cache *c, const char *exe_want, int sig,
			   const char *signame, char *did, size_t didlen, char *err,
			   size_t errlen)
{
	char exe[256];

	if (c->pid <= 0) {
		snprintf(err, errlen, "the %s process is not known", exe_want);
		return -1;
	}
	exe_name(c->pid, exe, sizeof(exe));
	if (strcmp(exe, exe_want) != 0) {
		snprintf(err, errlen, "pid %d is not %s (it is '%s'); nothing sent", (int)c->pid,
			 exe_want, exe);
		return -1;
	}
	if (kill(c->pid, sig) != 0) {
		snprintf(err, errlen, "%s to %s (pid %d): %s", signame, exe_want, (int)c->pid,
			 strerror(errno));
		return -1;
	}
	snprintf(did, didlen, "sent %s to %s (pid %d), which empties its cache", signame,
		 exe_want, (int)c->pid);
	return 0;
}

static int run_fixed(const char *path, char *const argv[], char *did, size_t didlen,
		     char *err, size_t errlen)
{
	char out[512], why[512];
	int rc = ew_spawn(path, argv, 5000, out, sizeof(out), why, sizeof(why));

	if (rc != 0) {
		if (rc > 0)
			snprintf(err, errlen, "%s exited with status %d: %s", path, rc, out);
		else
			snprintf(err, errlen, "%s", why);
		return -1;
	}
	snprintf(did, didlen, "ran %s %s", path, argv[1]);
	return 0;
}

int ew_cache_flush(const struct ew_cache *c, char *did, size_t didlen,
		   char *err, size_t errlen)
{
	static char *const unbound_argv[] = { "unbound-control", "reload", NULL };
	static char *const nscd_argv[] = { "nscd", "-i", "hosts", NULL };

	did[0] = '\0';
	switch (c->kind) {
	case EW_CACHE_DNSMASQ:
		return signal_verified(c, "dnsmasq", SIGHUP, "SIGHUP", did, didlen, err, errlen);
	case EW_CACHE_RESOLVED:
		return signal_verified(c, "systemd-resolved", SIGUSR2, "SIGUSR2", did, didlen,
				       err, errlen);
	case EW_CACHE_UNBOUND:
		return run_fixed("/usr/sbin/unbound-control", unbound_argv, did, didlen, err,
				 errlen);
	case EW_CACHE_NSCD:
		return run_fixed("/usr/sbin/nscd", nscd_argv, did, didlen, err, errlen);
	case EW_CACHE_SSSD:
		snprintf(err, errlen, "sssd rewrites its kdcinfo files itself; restart sssd to "
			 "renew them");
		return -1;
	default:
		snprintf(err, errlen, "no known way to flush %s", c->program);
		return -1;
	}
}
