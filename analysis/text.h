/*
 * analysis/text: turning a cJSON tree into the malloc'd text the analysis
 * modules hand back, or into a file.
 */
#ifndef ANALYSIS_TEXT_H
#define ANALYSIS_TEXT_H

#include <cJSON.h>

#include "util/status.h"

/* Prints root (formatted), deletes it, and returns the text; the caller
 * frees it with free(). Aborts when out of memory. */
char *ana_json_take(cJSON *root);

/* Prints root, deletes it, and writes the text and a newline to path
 * atomically. */
enum sim_status ana_json_write(const char *path, cJSON *root, struct sim_err *err);

#endif
