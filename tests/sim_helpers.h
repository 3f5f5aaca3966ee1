/*
 * tests/sim_helpers: scenarios from JSON text and simulations, shared by
 * the suites that drive the simulator. Header-only (static inline)
 * because each suite is its own binary.
 */
#ifndef TESTS_SIM_HELPERS_H
#define TESTS_SIM_HELPERS_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scenarios/scenario.h"
#include "sim/run.h"

/* A fresh directory for one test, /tmp/plsim-TAG-PID-NAME. */
static inline void th_temp_dir(char *dir, size_t cap, const char *tag)
{
    snprintf(dir, cap, "/tmp/plsim-sim-%ld-%s", (long)getpid(), tag);
    mkdir(dir, 0700);
}

/* Loads a scenario given as JSON text, written to DIR/s.json ("@" stands
 * for the presets directory in extends). */
static inline scn_scenario_t *th_scenario_from(const char *dir, const char *text)
{
    char path[512], buf[4096];
    const char *at = strchr(text, '@');
    if (at != NULL)
        snprintf(buf, sizeof buf, "%.*s%s/scenarios/%s", (int)(at - text), text,
                 PLSIM_SOURCE_DIR, at + 1);
    else
        snprintf(buf, sizeof buf, "%s", text);
    snprintf(path, sizeof path, "%s/s.json", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(buf, f);
    fclose(f);
    scn_scenario_t *s = NULL;
    struct sim_err err;
    cr_assert_eq(scn_scenario_load(path, &s, &err), SIM_OK, "%s", err.msg);
    return s;
}

/* Simulates in, its platform file in dir. */
static inline void th_simulate_input(const char *dir, const struct mdl_input *in,
                                     struct sim_result *r)
{
    struct sim_run_opts o;
    memset(&o, 0, sizeof o);
    char platform[512];
    snprintf(platform, sizeof platform, "%s/platform.xml", dir);
    o.platform_path = platform;
    struct sim_err err;
    cr_assert_eq(sim_run(in, &o, r, &err), SIM_OK, "%s", err.msg);
}

static inline void th_simulate(const char *dir, const scn_scenario_t *s, struct sim_result *r)
{
    th_simulate_input(dir, scn_scenario_input(s), r);
}

/* Simulates the scenario given as JSON text (see th_scenario_from). */
static inline void th_simulate_text(const char *dir, const char *text, struct sim_result *r)
{
    scn_scenario_t *s = th_scenario_from(dir, text);
    th_simulate(dir, s, r);
    scn_scenario_destroy(s);
}

#endif
