/*
 * analysis/text: the one helper that turns a cJSON tree into the
 * malloc'd text the analysis modules hand back.
 */
#ifndef ANALYSIS_TEXT_H
#define ANALYSIS_TEXT_H

#include <cJSON.h>

/* Prints root (formatted), deletes it, and returns the text; the caller
 * frees it with free(). Aborts when out of memory. */
char *ana_json_take(cJSON *root);

#endif
