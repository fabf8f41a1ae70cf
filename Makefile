# exwizard - build, test, lab and install.
#
#   make                 build ./exwizard
#   make check           install missing packages, build, all tests against the lab,
#                        the Debian package built and checked by lintian
#   make check-unit      unit tests only (no root, no network)
#   make deb             the Debian package, built in build/deb/ (dpkg-buildpackage)
#   make install         exwizard, its manual page and its bash completion under
#                        PREFIX (/usr/local), into DESTDIR
#   make demo            lab domain up, then exwizard on the lab scenario
#   make bench           lab up (--scale), exwizard vs the hand-run runbook at 0 and
#                        50 ms RTT, per-step round trips, scale, first frame, RSS
#   make tsan            a ThreadSanitizer build (build-tsan), its own lab up, the
#                        check scenarios and the wizard's scenes under it, lab down
#   make WERROR=1 SANITIZE=address,undefined V=1 ...

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR ?=
CC ?= cc
PKG_CONFIG ?= pkg-config
BUILD ?= build
LAB_NS ?= exwiz
# make check and make bench: a lab of the run's own, exwizck-PID / exwizbn-PID,
# unless CHECK_NS / BENCH_NS name one
CHECK_NS ?=

ifeq ($(V),1)
Q :=
else
Q := @
endif

WARNINGS := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif
# CFLAGS, CPPFLAGS and LDFLAGS of the environment (dpkg-buildflags) come
# after ours: they add to the flags the build needs and may override ours.
CFLAGS ?= -O2 -g
HARDEN := -fstack-protector-strong -fPIE
ifeq ($(SANITIZE),)
# unless CPPFLAGS or CFLAGS choose a level of their own (a second -D would warn)
ifeq ($(findstring _FORTIFY_SOURCE,$(CPPFLAGS) $(CFLAGS)),)
HARDEN += -D_FORTIFY_SOURCE=2
endif
SANFLAGS :=
else
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

# Evaluated when used, so that a `make deps` earlier in the same run counts.
pc_cflags = $(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null)
pc_libs = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null || echo $(2))
CORE_PKGS := krb5 krb5-gssapi libcares jansson libsasl2
CORE_CFLAGS = $(call pc_cflags,$(CORE_PKGS) ldap)
CORE_LIBS = $(call pc_libs,$(CORE_PKGS)) $(call pc_libs,ldap,-lldap -llber) -lpthread
TUI_CFLAGS = $(call pc_cflags,ncursesw formw menuw panelw)
TUI_LIBS = $(call pc_libs,formw menuw panelw ncursesw,-lformw -lmenuw -lpanelw -lncursesw)
TEST_CFLAGS = $(call pc_cflags,cmocka)
TEST_LIBS = $(call pc_libs,cmocka,-lcmocka)

ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARNINGS) $(HARDEN) $(SANFLAGS) $(CPPFLAGS) $(CFLAGS) \
	-Icore -I$(BUILD)/core
ALL_LDFLAGS = -pie -Wl,-z,relro,-z,now $(SANFLAGS) $(LDFLAGS)

CORE_SRC := $(wildcard core/*.c)
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/%.o) $(BUILD)/core/help_topics.o
TUI_SRC := $(wildcard tui/*.c)
TUI_OBJ := $(TUI_SRC:%.c=$(BUILD)/%.o)
HELP_TXT := $(sort $(wildcard help/*.txt))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)
INTEG_SRC := $(wildcard tests/integration/test_*.c)
INTEG_BIN := $(INTEG_SRC:tests/integration/%.c=$(BUILD)/tests/integration/%)
LIBCORE := $(BUILD)/libexwcore.a
COMPLETION := $(BUILD)/exwizard.bash
# The version is the one of debian/changelog's first entry (native: no
# Debian revision); $(BUILD)/core/version.h is made from it.
VERSION := $(shell awk -F'[()]' 'NR == 1 && $$1 == "exwizard " { print $$2 }' debian/changelog)
DEB_DIR ?= $(BUILD)/deb

.PHONY: all deps check check-unit check-integration tests lab-up lab-down lab-shell \
	demo install uninstall clean lint-man fuzz fuzz-build bench bench-build bench-sweep-big vg-build \
	tsan tsan-build deb FORCE

EW_BIN ?= exwizard

all: $(EW_BIN) $(COMPLETION)

# Rebuild everything when the flags change (e.g. SANITIZE switched on).
$(BUILD)/flags: FORCE
	@mkdir -p $(BUILD)
	@echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)' | cmp -s - $@ || \
		echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)' > $@

# The one place the version is written is debian/changelog.
$(BUILD)/core/version.h: debian/changelog
	@mkdir -p $(dir $@)
	$(Q)v='$(VERSION)'; [ -n "$$v" ] || \
		{ echo "debian/changelog: no 'exwizard (VERSION)' on its first line" >&2; exit 1; }; \
	{ echo '/* version.h - the version of exwizard, shown by --version and in every report;'; \
	  echo '   made from debian/changelog by the Makefile. */'; \
	  echo '#ifndef EW_VERSION_H'; echo '#define EW_VERSION_H'; \
	  echo "#define EW_VERSION \"$$v\""; echo '#endif'; } > $@.tmp && mv $@.tmp $@

$(BUILD)/core/help_topics.c: $(HELP_TXT) help/embed.awk
	@mkdir -p $(dir $@)
	$(Q)awk -f help/embed.awk $(HELP_TXT) > $@.tmp && mv $@.tmp $@

$(BUILD)/core/%.o: $(BUILD)/core/%.c $(BUILD)/flags
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@";)
	$(Q)$(CC) $(ALL_CFLAGS) $(CORE_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/core/%.o: core/%.c $(BUILD)/flags | $(BUILD)/core/version.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@";)
	$(Q)$(CC) $(ALL_CFLAGS) $(CORE_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tui/%.o: tui/%.c $(BUILD)/flags | $(BUILD)/core/version.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@";)
	$(Q)$(CC) $(ALL_CFLAGS) $(CORE_CFLAGS) $(TUI_CFLAGS) -MMD -MP -c -o $@ $<

$(LIBCORE): $(CORE_OBJ)
	@$(if $(Q),echo "  AR      $@";)
	$(Q)rm -f $@ && ar rcs $@ $^

$(EW_BIN): $(TUI_OBJ) $(LIBCORE)
	@$(if $(Q),echo "  LD      $@";)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(TUI_OBJ) $(LIBCORE) $(TUI_LIBS) $(CORE_LIBS)

# The bash completion: its function, then the word lists, printed by a
# program linked with the command line's and core's tables.
$(BUILD)/completion/lists: completion/lists.c $(BUILD)/tui/options.o $(LIBCORE)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@";)
	$(Q)$(CC) $(ALL_CFLAGS) -Itui -o $@ $< $(ALL_LDFLAGS) $(BUILD)/tui/options.o $(LIBCORE) \
		$(CORE_LIBS)

$(COMPLETION): completion/exwizard.bash $(BUILD)/completion/lists
	@$(if $(Q),echo "  GEN     $@";)
	$(Q){ cat completion/exwizard.bash && $(BUILD)/completion/lists; } > $@.tmp && mv $@.tmp $@

# Tests link core without curses: a stray curses call in core fails here.
$(BUILD)/tests/unit/%: tests/unit/%.c $(LIBCORE) tests/unit/testutil.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@";)
	$(Q)$(CC) $(ALL_CFLAGS) $(CORE_CFLAGS) $(TEST_CFLAGS) -Itests/unit $(UNIT_EXTRA_CFLAGS) \
		-o $@ $< $(ALL_LDFLAGS) $(UNIT_EXTRA_OBJ) $(LIBCORE) $(CORE_LIBS) $(TEST_LIBS)

# The command line (tui/options.c, no curses) and the manual page it is
# compared with, for test_options.
$(BUILD)/tests/unit/test_options: $(BUILD)/tui/options.o tui/options.h exwizard.1
$(BUILD)/tests/unit/test_options: private UNIT_EXTRA_CFLAGS := -Itui \
	-DEW_MANPAGE='"$(CURDIR)/exwizard.1"'
$(BUILD)/tests/unit/test_options: private UNIT_EXTRA_OBJ := $(BUILD)/tui/options.o

# The rules of the steps and their tests link only the units they use, with
# jansson and cmocka: no krb5, LDAP or c-ares. A rule that reaches for the
# network, the directory or Kerberos fails to link here. (test_krbrules sees
# <krb5.h> for the library's constants, and links without the library.)
RULES_TESTS := groupsrules dnsrules mailboxrules krbrules spnmap exchrules session diagnosis diagfix comparison clientparse
RULES_OBJ_groupsrules := groupsrules sid finding result text
RULES_OBJ_dnsrules := dnsrules dnsresult target causes finding result text
RULES_OBJ_mailboxrules := mailboxrules secdesc sid finding result text
RULES_OBJ_krbrules := krbrules krbdata finding result text
RULES_CFLAGS_krbrules = $(call pc_cflags,krb5)
RULES_OBJ_spnmap := spnmap krbrules krbdata finding result text
RULES_CFLAGS_spnmap = $(call pc_cflags,krb5)
RULES_OBJ_exchrules := exchrules exchetypes krbrules krbdata finding result text
RULES_CFLAGS_exchrules = $(call pc_cflags,krb5)
# the session's plan: the step table's flags, no step run
RULES_OBJ_session := plan text
# the diagnosis: findings and step data in, causes out
RULES_OBJ_diagnosis := diagnosis diagclient diagfix exchrules exchetypes causes catalogue stepdata datafields finding result text
# the fix of each cause: the step data and the cause catalogue
RULES_OBJ_diagfix := diagfix exchrules exchetypes causes catalogue stepdata datafields finding result text
# what a Windows client showed: pasted text in, records out
RULES_OBJ_clientparse := clientparse clientread clientklist clientdns clientevent text
# the lab's client files (tests/lab/client), read from the source tree
RULES_TESTS += clientlab
RULES_OBJ_clientlab := $(RULES_OBJ_clientparse)
RULES_CFLAGS_clientlab = -DEW_CLIENTLAB_DIR='"$(CURDIR)/tests/lab/client"'
# the client step's rules, and the diagnosis they feed (tests/lab/client)
RULES_TESTS += clientrules
RULES_OBJ_clientrules := clientrules $(RULES_OBJ_clientparse) target diagnosis diagclient diagfix exchrules exchetypes \
	causes catalogue stepdata datafields finding result
RULES_CFLAGS_clientrules = -DEW_CLIENTLAB_DIR='"$(CURDIR)/tests/lab/client"'
# the domain-wide sweep's pure parts: group graph, SPNs, reports
RULES_TESTS += sweeprules
RULES_OBJ_sweeprules := sweeprules sweepreport groupsrules sid causes finding result text
# two identities side by side: their step results and data in, rows out
RULES_OBJ_comparison := comparison comparisontext mailboxrules secdesc sid causes stepdata datafields finding result text target
JANSSON_CFLAGS = $(call pc_cflags,jansson)
JANSSON_LIBS = $(call pc_libs,jansson,-ljansson)

define rules_test
$$(BUILD)/tests/unit/test_$(1): tests/unit/test_$(1).c tests/unit/testutil.h \
		$$(RULES_OBJ_$(1):%=$$(BUILD)/core/%.o)
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  TEST    $$@ (rules only)";)
	$$(Q)$$(CC) $$(ALL_CFLAGS) $$(JANSSON_CFLAGS) $$(RULES_CFLAGS_$(1)) $$(TEST_CFLAGS) \
		-Itests/unit -o $$@ $$< \
		$$(ALL_LDFLAGS) $$(RULES_OBJ_$(1):%=$$(BUILD)/core/%.o) $$(JANSSON_LIBS) $$(TEST_LIBS)
endef
$(foreach t,$(RULES_TESTS),$(eval $(call rules_test,$(t))))

# The typed step data and the wizard's data views (tui/wizdata.c, no
# curses): as pure as the rules.
STEPDATA_OBJ := core/datafields core/stepdata core/text tui/wizlines tui/wizdata
$(BUILD)/tests/unit/test_stepdata: tests/unit/test_stepdata.c tests/unit/testutil.h \
		$(STEPDATA_OBJ:%=$(BUILD)/%.o)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@ (pure)";)
	$(Q)$(CC) $(ALL_CFLAGS) $(JANSSON_CFLAGS) $(TEST_CFLAGS) -Itests/unit -Itui -o $@ $< \
		$(ALL_LDFLAGS) $(STEPDATA_OBJ:%=$(BUILD)/%.o) $(JANSSON_LIBS) $(TEST_LIBS)

$(BUILD)/tests/integration/%: tests/integration/%.c $(LIBCORE) tests/unit/testutil.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@";)
	$(Q)$(CC) $(ALL_CFLAGS) $(CORE_CFLAGS) $(TEST_CFLAGS) -Itests/unit -o $@ $< \
		$(ALL_LDFLAGS) $(LIBCORE) $(CORE_LIBS) $(TEST_LIBS)

LATENCY_BIN := $(BUILD)/tests/bench/exwiz-latency
NFQ_CFLAGS = $(call pc_cflags,libnetfilter_queue)
NFQ_LIBS = $(call pc_libs,libnetfilter_queue,-lnetfilter_queue -lnfnetlink)

# The latency injector (NFQUEUE), for the fault suite and the benchmark.
$(LATENCY_BIN): tests/bench/latency.c $(BUILD)/flags
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@";)
	$(Q)$(CC) $(ALL_CFLAGS) $(NFQ_CFLAGS) -o $@ $< $(ALL_LDFLAGS) $(NFQ_LIBS)

tests: $(EW_BIN) $(COMPLETION) $(UNIT_BIN) $(INTEG_BIN)

# exwizard without sanitizers, in a build directory of its own, for the
# valgrind test (valgrind and ASan do not mix).
VG_BUILD ?= build-vg
vg-build:
	$(Q)$(MAKE) --no-print-directory BUILD=$(VG_BUILD) SANITIZE= EW_BIN=$(VG_BUILD)/exwizard \
		$(VG_BUILD)/exwizard

# exwizard with ThreadSanitizer, in a build directory of its own, for the
# TSan suite (tests/tsan); whatever SANITIZE the rest is built with.
TSAN_BUILD ?= build-tsan
tsan-build:
	$(Q)$(MAKE) --no-print-directory BUILD=$(TSAN_BUILD) SANITIZE=thread \
		EW_BIN=$(TSAN_BUILD)/exwizard $(TSAN_BUILD)/exwizard

deps:
	$(Q)sh tests/lab/deps.sh

# Unit tests: pure code, no root, no network.
check-unit:
	$(Q)sh tests/lab/deps.sh build >/dev/null 2>&1 || sh tests/lab/deps.sh build
	$(Q)$(MAKE) --no-print-directory tests
	$(Q)sh tests/run.sh unit $(BUILD)

# Everything: packages, build, unit tests, lab up, integration and lab smoke
# tests, lab down (also when a test fails).
check:
	$(Q)$(MAKE) --no-print-directory deps
	$(Q)$(MAKE) --no-print-directory tests
	$(Q)$(MAKE) --no-print-directory fuzz-build $(LATENCY_BIN) vg-build tsan-build
	$(Q)LAB_NS=$(CHECK_NS) FUZZ_BUILD=$(FUZZ_BUILD) EXWIZ_VG_BIN=$(abspath $(VG_BUILD)/exwizard) \
		EXWIZ_TSAN_BIN=$(abspath $(TSAN_BUILD)/exwizard) sh tests/run.sh all $(BUILD)

lab-up:
	$(Q)tests/lab/labctl -n $(LAB_NS) up

# The benchmark, in a lab of its own (BENCH_NS, by default exwizbn-PID),
# removed afterwards.
BENCH_NS ?=
bench-build: exwizard $(LATENCY_BIN)

bench:
	$(Q)$(MAKE) --no-print-directory deps
	$(Q)$(MAKE) --no-print-directory bench-build
	$(Q)ns=$(or $(BENCH_NS),exwizbn-$$$$); tests/lab/labctl -n $$ns up --scale || exit 1; \
		EXWIZ_LATENCY_BIN=$(abspath $(LATENCY_BIN)) LAB_NS=$$ns bash tests/bench/bench.sh; \
		rc=$$?; tests/lab/labctl -n $$ns down; exit $$rc
	$(Q)$(MAKE) --no-print-directory bench-sweep-big

# The sweep of a generated domain of 30,000 users at 0 ms (a lab of its own,
# removed afterwards); the 3,000-user figures are bench.sh's.
BENCH_BIG_USERS ?= 30000
bench-sweep-big: bench-build
	$(Q)ns=$(or $(BENCH_BIG_NS),exwizbb-$$$$); \
		tests/lab/labctl -n $$ns up --scale --users $(BENCH_BIG_USERS) || exit 1; \
		echo; echo "the sweep of $(BENCH_BIG_USERS) generated users (every cause, read as Administrator)"; \
		EXWIZ_LATENCY_BIN=$(abspath $(LATENCY_BIN)) bash tests/bench/sweep.sh -n $$ns 0; \
		rc=$$?; tests/lab/labctl -n $$ns down; exit $$rc

# The TSan suite alone, in a lab of its own (TSAN_NS), removed afterwards.
TSAN_NS ?= exwizts
tsan:
	$(Q)$(MAKE) --no-print-directory deps
	$(Q)$(MAKE) --no-print-directory tsan-build
	$(Q)tests/lab/labctl -n $(TSAN_NS) up
	$(Q)EXWIZ_TSAN_BIN=$(abspath $(TSAN_BUILD)/exwizard) EXWIZ_TOP=$(CURDIR) LAB_NS=$(TSAN_NS) \
		sh tests/tsan/run.sh; rc=$$?; tests/lab/labctl -n $(TSAN_NS) down; exit $$rc

lab-down:
	$(Q)tests/lab/labctl -n $(LAB_NS) down

lab-shell:
	$(Q)tests/lab/labctl -n $(LAB_NS) exec bash -i

demo:
	$(Q)$(MAKE) --no-print-directory deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/lab/labctl -n $(LAB_NS) up
	$(Q)sh tests/lab/demo.sh $(LAB_NS)

# Fuzzing (libFuzzer, clang): every parser of network or file input.
# make fuzz FUZZ_SECONDS=60   or   make fuzz FUZZ_RUNS=1000000
FUZZ_CC ?= clang
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 30
FUZZ_RUNS ?= 0
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BASE := -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all \
	-Icore -I$(BUILD)/core
FUZZ_OBJ := $(CORE_SRC:core/%.c=$(FUZZ_BUILD)/core/%.o) $(FUZZ_BUILD)/core/help_topics.o

# core once, instrumented; each target links it.
$(FUZZ_BUILD)/core/help_topics.o: $(BUILD)/core/help_topics.c
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_BASE) -fsanitize=fuzzer-no-link,address,undefined $(CORE_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/core/%.o: core/%.c | $(BUILD)/core/version.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $@";)
	$(Q)$(FUZZ_CC) $(FUZZ_BASE) -fsanitize=fuzzer-no-link,address,undefined $(CORE_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ)
	@$(if $(Q),echo "  FUZZ    $@";)
	$(Q)$(FUZZ_CC) $(FUZZ_BASE) -fsanitize=fuzzer,address,undefined $(CORE_CFLAGS) \
		$(FUZZ_EXTRA_CFLAGS) -o $@ $< $(FUZZ_EXTRA_OBJ) $(FUZZ_OBJ) $(CORE_LIBS)

# The command line (tui/options.c, no curses) for fuzz_options only.
$(FUZZ_BUILD)/tui/options.o: tui/options.c tui/options.h | $(BUILD)/core/version.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $@";)
	$(Q)$(FUZZ_CC) $(FUZZ_BASE) -fsanitize=fuzzer-no-link,address,undefined $(CORE_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/fuzz_options: $(FUZZ_BUILD)/tui/options.o
$(FUZZ_BUILD)/fuzz_options: private FUZZ_EXTRA_CFLAGS := -Itui
$(FUZZ_BUILD)/fuzz_options: private FUZZ_EXTRA_OBJ := $(FUZZ_BUILD)/tui/options.o

.SECONDARY: $(FUZZ_OBJ) $(FUZZ_BUILD)/tui/options.o

fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/%)

fuzz: fuzz-build
	$(Q)for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_BUILD)/corpus-$$t; \
		echo "--- $$t"; \
		$(FUZZ_BUILD)/$$t -max_total_time=$(FUZZ_SECONDS) -runs=$(if $(filter 0,$(FUZZ_RUNS)),-1,$(FUZZ_RUNS)) \
			-print_final_stats=1 $(FUZZ_BUILD)/corpus-$$t tests/fuzz/seeds/$$t 2>&1 | \
			grep -E "stat::number_of_executed_units|stat::peak_rss|ERROR|SUMMARY|Done" || exit 1; \
	done

lint-man:
	$(Q)mandoc -Tlint -W warning exwizard.1

install: exwizard $(COMPLETION)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(COMPLETIONDIR)
	install -m 755 exwizard $(DESTDIR)$(BINDIR)/exwizard
	install -m 644 exwizard.1 $(DESTDIR)$(MANDIR)/man1/exwizard.1
	install -m 644 $(COMPLETION) $(DESTDIR)$(COMPLETIONDIR)/exwizard

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/exwizard $(DESTDIR)$(MANDIR)/man1/exwizard.1 \
		$(DESTDIR)$(COMPLETIONDIR)/exwizard

# The Debian package, from a copy of the tree in $(DEB_DIR) (dpkg-buildpackage
# cleans the tree it builds in and writes next to it): the .deb, .changes and
# source package land in $(DEB_DIR). DEB_BUILD_OPTIONS as usual (nocheck,
# parallel=N).
deb:
	$(Q)sh tests/lab/deps.sh deb
	$(Q)rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/exwizard-$(VERSION)
	$(Q)tar -cf - --exclude-vcs --exclude=./$(BUILD) --exclude=./$(FUZZ_BUILD) \
		--exclude=./$(VG_BUILD) --exclude=./$(TSAN_BUILD) --exclude='./build*' \
		--exclude=./exwizard --exclude='*.o' . | tar -xf - -C $(DEB_DIR)/exwizard-$(VERSION)
	$(Q)cd $(DEB_DIR)/exwizard-$(VERSION) && dpkg-buildpackage -us -uc
	$(Q)ls $(DEB_DIR)/*.deb

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD) $(VG_BUILD) $(TSAN_BUILD) exwizard

-include $(wildcard $(BUILD)/core/*.d $(BUILD)/tui/*.d)
