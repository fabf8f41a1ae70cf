/*
 * The encryption-type rules of exchrules.h: which types a krb5.conf list
 * names, the msDS-SupportedEncryptionTypes value to write and how to read
 * one, a ticket refused for want of a common type (KRB-SVC), RC4 tickets of
 * Exchange 2010 and later (KRB-SVC) and the service accounts' values beside
 * their tickets (KRB-ETYPES). Pure, as exchrules.c.
 */
#include "exchrules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalogue.h"
#include "causes.h"
#include "finding.h"
#include "result.h"
#include "text.h"

unsigned ew_enctypes_to_write(const char *client)
{
	/* AES when the client asks for it (the list read as ew_enctypes_client
	 * reads it), with RC4 as well while it asks for no AES. */
	return ew_enctypes_client(client) & 0x18 ? 24 : 28;
}

static int is_asa(const char *account, const char *const *asas, size_t nasas)
{
	size_t i;

	for (i = 0; account && i < nasas; i++)
		if (asas[i] && strcasecmp(asas[i], account) == 0)
			return 1;
	return 0;
}

/*
 * How the accounts get new keys (AES among them): the alternate service
 * account's password is rolled on an Exchange server, which gives every
 * member the new keys (reset, the members keep the old ones and Kerberos
 * fails on all of them); any other account's is reset.
 */
static void new_keys_text(struct ew_buf *b, const char *const *accounts, size_t n,
			  const char *const *asas, size_t nasas)
{
	const char *roll[8], *reset[8];
	size_t i, nroll = 0, nreset = 0;

	for (i = 0; i < n; i++) {
		if (is_asa(accounts[i], asas, nasas)) {
			if (nroll < 8)
				roll[nroll++] = accounts[i];
		} else if (nreset < 8) {
			reset[nreset++] = accounts[i];
		}
	}
	if (nroll) {
		ew_buf_adds(b, "roll the password of ");
		ew_buf_list(b, roll, nroll, " and ");
		ew_buf_adds(b, " with RollAlternateServiceAccountPassword.ps1 on an Exchange "
			    "server (Exchange Management Shell), so that every member gets its "
			    "AES keys");
	}
	if (nreset || nroll == 0) {
		ew_buf_adds(b, nroll ? "; reset the password of " : "reset the password of ");
		if (nreset)
			ew_buf_list(b, reset, nreset, " and ");
		else
			ew_buf_adds(b, "the account that holds it");
		ew_buf_adds(b, " so that it has AES keys");
	}
}

void ew_exch_enctype_nosupp(struct ew_step_result *res, const char *spn,
			    const char *const *accounts, size_t n, const char *client,
			    const char *const *asas, size_t nasas)
{
	unsigned val = ew_enctypes_to_write(client);
	struct ew_buf acc = {0}, keys = {0};
	char title[600];
	size_t i, k;

	snprintf(title, sizeof(title), "No session ticket for %s", spn);
	ew_buf_list(&acc, accounts, n, " and ");
	new_keys_text(&keys, accounts, n, asas, nasas);
	for (i = 0; n && i < res->nfindings; i++) {
		struct ew_finding *f = res->findings[i];

		if (strcmp(f->check, EW_CK_KRB_SVC) != 0 || f->severity != EW_FAIL ||
		    !f->cause || strcmp(f->cause, EW_CAUSE_ENCTYPE_MISMATCH) != 0 ||
		    strcmp(f->title, title) != 0)
			continue;
		for (k = 0; k < n; k++)
			ew_finding_evidence(f, "%s is held by %s", spn, accounts[k]);
		if (client && client[0])
			ew_finding_evidence(f, "this host asks for %s (default_tgs_enctypes)",
					    client);
		if (val == 24)
			ew_finding_remedy(f, "Write 24 (0x18: AES128, AES256) to "
					  "msDS-SupportedEncryptionTypes of %s (`Set-ADComputer "
					  "NAME -KerberosEncryptionType AES128,AES256`, or "
					  "Set-ADUser for a user account), then %s.", acc.data,
					  keys.data);
		else
			ew_finding_remedy(f, "This host asks for RC4 only: add aes256-cts and "
					  "aes128-cts to default_tgs_enctypes in krb5.conf; until "
					  "then write 28 (0x1C: RC4, AES128, AES256) to "
					  "msDS-SupportedEncryptionTypes of %s.", acc.data);
	}
	ew_buf_reset(&acc);
	ew_buf_reset(&keys);
}

/*
 * One finding per SPN: spn leaves the INFO "Some service tickets are RC4"
 * (krbrules.c) that the warn replaces, and the INFO goes with its last one.
 */
static void drop_rc4_info(struct ew_step_result *res, const char *spn)
{
	size_t i, k;

	for (i = 0; i < res->nfindings; i++) {
		struct ew_finding *f = res->findings[i];

		if (strcmp(f->check, EW_CK_KRB_SVC) != 0 || f->severity != EW_INFO ||
		    strncmp(f->title, "Some service tickets are RC4", 28) != 0)
			continue;
		for (k = 0; k < f->nevidence; k++) {
			if (strcasecmp(f->evidence[k], spn) != 0)
				continue;
			free(f->evidence[k]);
			memmove(&f->evidence[k], &f->evidence[k + 1],
				(f->nevidence - k - 1) * sizeof(*f->evidence));
			f->nevidence--;
			break;
		}
		if (f->nevidence == 0) {
			ew_finding_free(&res->findings[i]);
			memmove(&res->findings[i], &res->findings[i + 1],
				(res->nfindings - i - 1) * sizeof(*res->findings));
			res->nfindings--;
		}
		return;
	}
}

void ew_exch_rule_rc4(struct ew_step_result *res, const char *spn, const char *release,
		      const char *const *accounts, size_t n, const char *const *asas,
		      size_t nasas)
{
	struct ew_finding *f;
	struct ew_buf acc = {0}, keys = {0};
	size_t k;

	drop_rc4_info(res, spn);
	f = ew_finding_new(EW_CK_KRB_SVC, EW_WARN, "The service ticket for %s is RC4 "
			   "(rc4-hmac), though %s runs where AES is available", spn, release);
	if (f == NULL)
		return;
	ew_buf_list(&acc, accounts, n, " and ");
	new_keys_text(&keys, accounts, n, asas, nasas);
	ew_finding_detail(f, "The account that holds the name has no AES keys, or its "
			  "msDS-SupportedEncryptionTypes leaves AES out. It works, but RC4 is "
			  "being retired from Kerberos: once the domain controllers refuse it, "
			  "the ticket fails and the client falls back to NTLM.");
	for (k = 0; k < n; k++)
		ew_finding_evidence(f, "%s is held by %s", spn, accounts[k]);
	ew_finding_remedy(f, "Write 24 (0x18: AES128, AES256) to msDS-SupportedEncryptionTypes "
			  "of %s (`Set-ADComputer NAME -KerberosEncryptionType AES128,AES256`), "
			  "then %s%s.", n ? acc.data : "the account that holds it", keys.data,
			  n ? "" : " (`setspn -Q` names it)");
	ew_step_result_add(res, f);
	ew_buf_reset(&acc);
	ew_buf_reset(&keys);
}

/*
 * Which msDS-SupportedEncryptionTypes bits a krb5.conf enctype name, family
 * or number stands for (the SHA-2 AES types have no keys in AD: none).
 */
static unsigned etype_bits(const char *tok, size_t len)
{
	static const struct { const char *name; unsigned bits; } t[] = {
		{ "DEFAULT", 0x1C }, { "aes", 0x18 }, { "rc4", 0x4 }, { "des", 0x3 },
		{ "aes256-cts", 0x10 }, { "aes256-cts-hmac-sha1-96", 0x10 }, { "18", 0x10 },
		{ "aes256-sha1", 0x10 },
		{ "aes128-cts", 0x8 }, { "aes128-cts-hmac-sha1-96", 0x8 }, { "17", 0x8 },
		{ "aes128-sha1", 0x8 },
		{ "rc4-hmac", 0x4 }, { "arcfour-hmac", 0x4 }, { "arcfour-hmac-md5", 0x4 },
		{ "23", 0x4 }, { "des-cbc-crc", 0x1 }, { "1", 0x1 }, { "des-cbc-md5", 0x2 },
		{ "3", 0x2 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strlen(t[i].name) == len && strncasecmp(t[i].name, tok, len) == 0)
			return t[i].bits;
	return 0;
}

unsigned ew_enctypes_client(const char *client)
{
	const char *p = client;
	unsigned m = 0;

	if (client == NULL || client[0] == '\0')
		return 0x1C;
	while (*p) {
		size_t n;

		p += strspn(p, " \t,");
		n = strcspn(p, " \t,");
		if (n == 0)
			break;
		if (*p == '-')
			m &= ~etype_bits(p + 1, n - 1);
		else if (*p == '+')
			m |= etype_bits(p + 1, n - 1);
		else
			m |= etype_bits(p, n);
		p += n;
	}
	return m;
}

const char *ew_enctypes_text(long long value, char *buf, size_t len)
{
	static const char *const names[] = { "DES-CBC-CRC", "DES-CBC-MD5", "RC4-HMAC",
					     "AES128", "AES256" };
	size_t i, o;
	int first = 1;

	if (value == 0) {
		snprintf(buf, len, "0 (not set, or not readable by this account: the KDC's "
			 "default for the account, RC4 for most accounts)");
		return buf;
	}
	snprintf(buf, len, "%lld (0x%llX:", value, (unsigned long long)value);
	for (i = 0; i < 5; i++) {
		o = strlen(buf);
		if ((value & (1LL << i)) && o < len)
			snprintf(buf + o, len - o, "%s %s", first ? "" : ",", names[i]), first = 0;
	}
	o = strlen(buf);
	if (o < len)
		snprintf(buf + o, len - o, "%s)", first ? " none of DES, RC4, AES" : "");
	return buf;
}

/* The msDS-SupportedEncryptionTypes bit of a Kerberos enctype number; 0: none. */
static unsigned enctype_bit(int e)
{
	return e == 1 ? 0x1 : e == 3 ? 0x2 : e == 23 ? 0x4 : e == 17 ? 0x8 : e == 18 ? 0x10 : 0;
}

static const char *enctype_label(int e, char *buf, size_t len)
{
	const char *n = e == 1 ? "des-cbc-crc" : e == 3 ? "des-cbc-md5" : e == 23 ? "rc4-hmac" :
			e == 17 ? "aes128-cts-hmac-sha1-96" : e == 18 ? "aes256-cts-hmac-sha1-96" :
			NULL;

	if (n)
		snprintf(buf, len, "%s", n);
	else
		snprintf(buf, len, "enctype %d", e);
	return buf;
}

/* How an account whose password predates AES gets its AES keys. */
static void aes_keys_remedy(struct ew_finding *f, const struct ew_etype_svc *s)
{
	size_t n = strlen(s->account);

	if (s->asa)
		ew_finding_remedy(f, "Roll the password of the alternate service account %s "
				  "in the Exchange Management Shell: "
				  "RollAlternateServiceAccountPassword.ps1 -ToEachServer (or "
				  "-ToArrayMembers for a CAS array). Never reset it by hand: the "
				  "members would keep the old keys and Kerberos would fail on all "
				  "of them.", s->account);
	else if (n > 1 && s->account[n - 1] == '$')
		ew_finding_remedy(f, "Reset the password of the computer account %s on that "
				  "server: `Reset-ComputerMachinePassword` in PowerShell there "
				  "(or `netdom resetpwd`); the new password gets AES keys.",
				  s->account);
	else
		ew_finding_remedy(f, "Reset the password of %s (`Set-ADAccountPassword`), then "
				  "give the new password to the services that run as it; the new "
				  "password gets AES keys.", s->account);
}

void ew_exch_rule_etypes(const struct ew_etype_svc *v, size_t n, const char *client,
			 struct ew_step_result *res)
{
	struct ew_finding *pass = NULL, *f;
	char vb[160], tb[64];
	size_t i;

	(void)client;
	for (i = 0; i < n; i++) {
		const struct ew_etype_svc *s = &v[i];
		unsigned tbit = enctype_bit(s->ticket_enctype);
		unsigned allowed = s->value & 0x1F ? (unsigned)(s->value & 0x1F) : 0x4 | tbit;

		if (!s->read) {
			f = ew_finding_new(EW_CK_KRB_ETYPES, EW_SKIP, "%s: the encryption types "
					   "of %s could not be read", s->spn, s->account);
			if (f)
				ew_finding_evidence(f, "%s", s->why ? s->why : "not read");
			ew_step_result_add(res, f);
			continue;
		}
		ew_enctypes_text(s->value, vb, sizeof(vb));
		enctype_label(s->ticket_enctype, tb, sizeof(tb));
		/* An issued ticket: the KDC and this host agreed on the session
		 * key's type, and the ticket's is the account's to decrypt, not
		 * this host's; a type in common is no question here (a refused
		 * ticket is: KDC_ERR_ETYPE_NOSUPP, ew_exch_enctype_nosupp). */
		if ((s->value & 0x18) && s->ticket_enctype == 23) {
			f = ew_finding_new(EW_CK_KRB_ETYPES, EW_WARN, "The ticket for %s is RC4 "
					   "though %s allows AES: %s has no AES keys", s->spn,
					   s->account, s->account);
			if (f == NULL)
				continue;
			ew_finding_set_cause(f, EW_CAUSE_ENCTYPE_MISMATCH);
			ew_finding_detail(f, "The KDC encrypts a ticket with the best type the "
					  "account has a key for. An account whose password was "
					  "last set before AES was enabled (or an alternate service "
					  "account that was never rolled) has RC4 keys only, "
					  "whatever msDS-SupportedEncryptionTypes says. Once RC4 "
					  "is refused, the ticket fails and the client falls back "
					  "to NTLM.");
			ew_finding_evidence(f, "%s is held by %s, whose "
					    "msDS-SupportedEncryptionTypes is %s", s->spn,
					    s->account, vb);
			ew_finding_evidence(f, "the ticket came as %s", tb);
			aes_keys_remedy(f, s);
			ew_step_result_add(res, f);
			continue;
		}
		if ((tbit & allowed) == 0) {
			f = ew_finding_new(EW_CK_KRB_ETYPES, EW_INFO, "The ticket for %s is %s, a "
					   "type msDS-SupportedEncryptionTypes of %s leaves out",
					   s->spn, tb, s->account);
			if (f)
				ew_finding_evidence(f, "%s: %s", s->account, vb);
			ew_step_result_add(res, f);
			continue;
		}
		if (pass == NULL)
			pass = ew_finding_new(EW_CK_KRB_ETYPES, EW_PASS, "The service tickets "
					      "come in types their accounts allow");
		if (pass)
			ew_finding_evidence(pass, "%s: %s; %s allows %s", s->spn, tb, s->account,
					    vb);
	}
	if (pass)
		ew_step_result_add(res, pass);
}
