/*
 * scenarios/show: resolved scenarios printed for people.
 */
#ifndef SCENARIOS_SHOW_H
#define SCENARIOS_SHOW_H

#include <stdio.h>

#include "scenarios/scenario.h"

/* Every resolved value with its unit and origin: the file that set it,
 * a default, or the catalog entry's kind and source. */
void scn_scenario_print(FILE *f, const scn_scenario_t *s);

/* A few lines echoing a resolved input with its units; path names the
 * scenario file. */
void scn_input_banner(FILE *f, const char *path, const struct mdl_input *in);

/* What a scenario can name, one "name  description" line each: what is
 * "presets", "models", "edge", "gpu" or "links". NULL (err says why)
 * for another word; the caller frees the text with free(). */
char *scn_list_text(const char *what, struct sim_err *err);

#endif
