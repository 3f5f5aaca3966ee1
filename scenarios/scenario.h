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
 * The result is a struct mdl_input (models/input.h), checked by
 * mdl_input_check: a file that loads is one that runs. The scenario
 * keeps, beside it, which file set each value (for `plsim show`).
 *
 * Loading never prints; the caller reports err and exits 2.
 */
#ifndef SCENARIOS_SCENARIO_H
#define SCENARIOS_SCENARIO_H

#include <stdint.h>

#include "models/input.h"
#include "reference/accounting.h"
#include "util/status.h"

typedef struct scn_scenario scn_scenario_t;

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

/* As scn_scenario_load_with, but a scenario whose only fault is that a
 * side cannot hold its part of the model (mdl_input_check's SIM_ERANGE)
 * loads: *unfit is set to 1, for studies (sweeps, figures) that report
 * such a point as having no speed instead of stopping. */
enum sim_status scn_scenario_load_study(const char *path, const char *const *overrides,
                                        int n_overrides, scn_scenario_t **out, int *unfit,
                                        struct sim_err *err);

void scn_scenario_destroy(scn_scenario_t *s);

/* Directory of the preset scenarios: $PLSIM_SCENARIOS_DIR when set, else
 * scenarios/ under sim_data_dir() (installed or source tree). */
const char *scn_presets_dir(void);

// ---- accessors (borrowed; valid while the scenario lives) ----

/* The file asked for. */
const char *scn_scenario_path(const scn_scenario_t *s);

/* The resolved input: what a simulation runs. Copy it to vary it. */
const struct mdl_input *scn_scenario_input(const scn_scenario_t *s);

/* Which file set the value at jpath (e.g. "$.link.rtt"), or NULL when
 * it comes from a default or the catalog. */
const char *scn_scenario_origin(const scn_scenario_t *s, const char *jpath);

/* Names of the files in the extends chain, the loaded one first;
 * *n gets the count. */
const char *const *scn_scenario_chain(const scn_scenario_t *s, int *n);

#endif
