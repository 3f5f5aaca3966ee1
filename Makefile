# plsim: one Makefile. `make run` and `make test` are all a user needs on
# a fresh Debian 12 machine: both install missing packages first.

PKGS     := simgrid gsl libcjson
DEB_PKGS := libsimgrid-dev libgsl-dev libcjson-dev libcriterion-dev pkg-config gnuplot-nox

# SAN=1 builds everything with AddressSanitizer and UBSan into build-san/.
SAN ?= 0
ifeq ($(SAN),1)
BUILD    := build-san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
BUILD    := build
SANFLAGS :=
endif

CC      ?= cc
OPT     ?= -O2
# cJSON's warning set, trimmed to what gcc and clang both know
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wpointer-arith -Wcast-qual -Wformat=2 -Wundef -Wswitch-enum -Wvla \
           -Wno-format-truncation # JSON paths in messages may be cut; bounded by design
CFLAGS  := -std=c11 -D_XOPEN_SOURCE=700 $(OPT) -g $(WARN) -fopenmp $(SANFLAGS) \
           -I. -DPLSIM_SOURCE_DIR='"$(CURDIR)"' -MMD -MP
# pkg-config runs lazily (=), so `make deps` can install it first
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
LDLIBS     = $(shell pkg-config --libs $(PKGS)) -lm
CRIT_LIBS  = $(shell pkg-config --libs criterion)

LIB_SRC  := $(wildcard util/*.c reference/*.c models/*.c scenarios/*.c sim/*.c results/*.c analysis/*.c)
CLI_SRC  := $(wildcard cli/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_SRC := $(wildcard tests/test_*.c)
TESTS    := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BIN      := $(BUILD)/plsim

.PHONY: all deps run plots atlas serving golden test check bench memcheck slurm-check install clean
.SECONDARY: $(LIB_OBJ) $(CLI_OBJ)

# Build the binary (no dependency check; see deps).
all: $(BIN)

# Install the Debian packages the build needs, if pkg-config cannot find them.
deps:
	@if pkg-config --exists $(PKGS) criterion 2>/dev/null && command -v gnuplot >/dev/null; then \
	  exit 0; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "plsim: installing $(DEB_PKGS)"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(DEB_PKGS); \
	else \
	  echo "plsim: missing packages; run as root:"; \
	  echo "  apt-get update && apt-get install -y $(DEB_PKGS)"; \
	  exit 1; \
	fi

# The main job: the paper reproduced (results/paper/), exit 1 if a row is off.
run: deps
	@$(MAKE) --no-print-directory all
	$(BIN) paper -o results/paper

# The figures (PNG and SVG, with their CSVs) into results/plots.
plots: deps
	@$(MAKE) --no-print-directory $(BIN)
	$(BIN) plots -o results/plots

# Where each design beats the phone (results/atlas/atlas.md and the figure).
atlas: deps
	@$(MAKE) --no-print-directory $(BIN)
	$(BIN) atlas -o results/atlas

# A crowd on one GPU: tokens/s and p99 TPOT against the number of phones.
SERVING_SWEEP = sweep scenarios/serving-crowd.json --vary mode=privatelora,cloud-only \
	--vary workload.devices=1,10,30,100,300,1000 --set workload.new_tokens=32 \
	-o results/serving/serving.csv --plot serving
serving: deps
	@$(MAKE) --no-print-directory $(BIN)
	@mkdir -p results/serving
	$(BIN) $(SERVING_SWEEP)
	$(BIN) capacity scenarios/serving-crowd.json --set workload.new_tokens=32 \
		-o results/serving/capacity.json

# Regenerate the committed baselines on purpose (never done by tests).
golden: $(BIN)
	$(BIN) paper -q -o results/paper
	$(BIN) atlas -q -o results/atlas
	$(BIN) comm --reduction-table -o results/comm_reduction.json

# Install, build and pass every test (the CI entry point).
test: deps
	@$(MAKE) --no-print-directory check

# Build and run the tests without the dependency check: the Criterion
# suites, then the tesh event timelines (tesh ships with libsimgrid-dev).
check: $(BIN) $(TESTS)
	@for t in $(TESTS); do echo "== $$t"; OMP_WAIT_POLICY=PASSIVE PLSIM_BIN=$(CURDIR)/$(BIN) $$t --jobs 2 || exit 1; done
	@for t in tests/tesh/*.tesh; do echo "== $$t"; \
	  tesh --setenv bindir=$(CURDIR)/$(BUILD) --setenv srcdir=$(CURDIR) $$t || exit 1; done

# valgrind over valid and invalid inputs: no leak, no memory error.
memcheck: $(BIN)
	tests/memcheck.sh $(BIN)

# A sweep through a real Slurm on this machine (root: installs slurm-wlm
# and munge, starts the daemons in a temporary folder, stops them after).
slurm-check: $(BIN)
	bash tests/slurm-check.sh $(BIN)

# Benchmarks (not tests): the reference pass against memory bandwidth, and
# the simulator's own speed.
bench: deps
	@$(MAKE) --no-print-directory $(BIN)
	$(BIN) bench --out results/bench-reference.md
	$(BIN) bench --sim --out results/bench-sim.md

# V=1 shows full compiler command lines.
V ?= 0
ifeq ($(V),1)
Q :=
else
Q := @
endif

$(BIN): $(CLI_OBJ) $(LIB_OBJ)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(BUILD)/tests/%: tests/%.c $(LIB_OBJ)
	@mkdir -p $(@D)
	@echo "  TEST-LD $@"
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) $< $(LIB_OBJ) -o $@ $(LDLIBS) $(CRIT_LIBS)

# Install the binary, the man page, the catalogs, presets and plot scripts
# under PREFIX (default /usr/local); plsim finds its data from there.
# INSTALL_BIN names an already built binary to install instead (tests).
PREFIX ?= /usr/local
DATADIR = $(DESTDIR)$(PREFIX)/share/plsim
INSTALL_BIN ?= $(BIN)
install: $(INSTALL_BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DATADIR)/models/llm $(DATADIR)/scenarios $(DATADIR)/plots
	install -m 755 $(INSTALL_BIN) $(DESTDIR)$(PREFIX)/bin/plsim
	install -m 644 plsim.1 $(DESTDIR)$(PREFIX)/share/man/man1/plsim.1
	install -m 644 models/*.json $(DATADIR)/models
	install -m 644 models/llm/*.json $(DATADIR)/models/llm
	install -m 644 scenarios/*.json $(DATADIR)/scenarios
	install -d $(DATADIR)/scenarios/traces
	install -m 644 scenarios/traces/*.csv $(DATADIR)/scenarios/traces
	install -m 644 plots/*.gp $(DATADIR)/plots

# Remove every build product.
clean:
	rm -rf build build-san

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TESTS:=.d)
