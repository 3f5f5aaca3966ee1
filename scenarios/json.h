/*
 * scenarios/json: reading JSON files defensively, and the small helpers
 * every error message needs (type names, "did you mean").
 *
 * A file is refused, with a message naming it, when it cannot be read,
 * is empty, looks binary (a NUL byte or invalid UTF-8), is larger than
 * SCN_JSON_MAX_BYTES, nests deeper than SCN_JSON_MAX_DEPTH, or is not
 * valid JSON (with line and column).
 */
#ifndef SCENARIOS_JSON_H
#define SCENARIOS_JSON_H

#include <stddef.h>

#include <cJSON.h>

#include "util/status.h"

#define SCN_JSON_MAX_BYTES (1 << 20) /* 1 MiB: scenarios are small */
#define SCN_JSON_MAX_DEPTH 16

/* Reads and parses path. On SIM_OK *out is the tree (caller frees with
 * cJSON_Delete); otherwise *out is NULL and err reads "FILE: problem". */
enum sim_status scn_json_read_file(const char *path, cJSON **out, struct sim_err *err);

/* "a string", "a number", "an object", "an array", "true/false", "null". */
const char *scn_json_type_name(const cJSON *item);

/* The candidate closest to key by edit distance when it is close enough
 * to be a plausible typo (distance <= 2, or <= a third of its length),
 * else NULL. candidates ends with NULL. */
const char *scn_json_suggest(const char *key, const char *const *candidates);

#endif
