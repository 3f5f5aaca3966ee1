/*
 * scenarios/scenario: what-if scenarios as JSON files, loaded into plain
 * structs in SI units.
 *
 * A scenario names a model, a mode, ranks, precisions, an edge device, a
 * cloud GPU, a link, a workload and a cost model. Devices and links are
 * catalog names or objects {"name": base, ...overrides}. "extends" names
 * another scenario file (relative to this one) whose values this file
 * overrides key by key. Each file is checked on its own against the
 * schema, so an error names the file that holds the bad value:
 *
 *   FILE: $.workload.batch: expected an integer >= 1, found -3
 *
 * Loading never prints; the caller reports err and exits 2.
 */
#ifndef SCENARIOS_SCENARIO_H
#define SCENARIOS_SCENARIO_H

#include <stdint.h>

#include "models/cost.h"
#include "models/hw.h"
#include "reference/accounting.h"
#include "util/status.h"

typedef struct scn_scenario scn_scenario_t;

/* Timing of a PrivateLoRA layer: every stage in sequence, or the base
 * q, k, v projection overlapping the low-rank round trip. */
enum scn_timing { SCN_TIMING_ADDITIVE, SCN_TIMING_OVERLAP };

/* What a workload runs. */
struct scn_workload {
    enum ref_phase phase;  /* the phase the summary leads with */
    int64_t prompt_tokens; /* tokens prefilled per sequence */
    int64_t new_tokens;    /* tokens decoded per sequence */
    int64_t batch;         /* sequences per device stepped together */
    int64_t devices;       /* identical edge devices sharing the cell */
};

/* Loads and resolves path. On SIM_OK *out is a new scenario (free with
 * scn_scenario_destroy); otherwise *out is NULL and err holds one line,
 * "FILE: $.path: what was expected, what was found". */
enum sim_status scn_scenario_load(const char *path, scn_scenario_t **out,
                                  struct sim_err *err);

/* As scn_scenario_load, then applies overrides "dotted.key=value" on top
 * (value: a JSON number, true/false, or else a string), checked like a
 * file named "(command line)". */
enum sim_status scn_scenario_load_with(const char *path, const char *const *overrides,
                                       int n_overrides, scn_scenario_t **out,
                                       struct sim_err *err);

void scn_scenario_destroy(scn_scenario_t *s);

/* Directory of the preset scenarios: $PLSIM_SCENARIOS_DIR when set, else
 * scenarios/ under sim_data_dir() (installed or source tree). */
const char *scn_presets_dir(void);

// ---- accessors (borrowed; valid while the scenario lives) ----

const char *scn_scenario_path(const scn_scenario_t *s);
const char *scn_scenario_description(const scn_scenario_t *s);
const char *scn_scenario_model_name(const scn_scenario_t *s);
const struct ref_config *scn_scenario_model(const scn_scenario_t *s);
/* Plan options with every scenario choice set; phase, n_tokens, batch
 * and pos describe the first prefill step. */
const struct ref_plan_opts *scn_scenario_plan_opts(const scn_scenario_t *s);
const struct mdl_device *scn_scenario_edge(const scn_scenario_t *s);
const struct mdl_device *scn_scenario_cloud(const scn_scenario_t *s);
int64_t scn_scenario_cloud_gpus(const scn_scenario_t *s);
const struct mdl_link *scn_scenario_link(const scn_scenario_t *s);
const struct scn_workload *scn_scenario_workload(const scn_scenario_t *s);
enum scn_timing scn_scenario_timing(const scn_scenario_t *s);
/* The cost model of a side (REF_EDGE or REF_CLOUD), calibrated if asked. */
const struct mdl_cost *scn_scenario_cost(const scn_scenario_t *s, enum ref_place side);
/* Compute precision whose dense peak the side's cost model uses. */
enum mdl_precision scn_scenario_cost_precision(const scn_scenario_t *s, enum ref_place side);
uint64_t scn_scenario_seed(const scn_scenario_t *s);
/* 0 when the scenario ignores downlink transfer time (accounting.downlink
 * "ignored", the reading in which the paper's t covers the uplink only). */
int scn_scenario_downlink_counted(const scn_scenario_t *s);

/* Which file set the value at jpath (e.g. "$.link.rtt"), or NULL when
 * it comes from a default or the catalog. */
const char *scn_scenario_origin(const scn_scenario_t *s, const char *jpath);

/* Names of the files in the extends chain, the loaded one first;
 * *n gets the count. */
const char *const *scn_scenario_chain(const scn_scenario_t *s, int *n);

#endif
