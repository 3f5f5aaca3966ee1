/*
 * scenarios/csv: numeric CSV files that scenarios name (arrival traces),
 * read whole into memory with line-precise errors.
 *
 * The first line names the columns; the columns asked for are found by
 * name, in any order, and the others ignored. Every later non-empty line
 * is a row of numbers separated by commas (spaces around them allowed).
 */
#ifndef SCENARIOS_CSV_H
#define SCENARIOS_CSV_H

#include <stdint.h>

#include "util/status.h"

/* One row: its wanted fields as text (trimmed; valid during the call).
 * A status other than SIM_OK stops the reading and is returned. */
typedef enum sim_status (*scn_csv_row_fn)(void *ctx, const char *path, int64_t lineno,
                                          const char *const *field, struct sim_err *err);

/* Calls fn for every row of path with the fields of the columns named
 * want[0..n_want). SIM_EINVAL, with "PATH:LINE: ...", when the file cannot
 * be read, a column is missing or a row lacks it, or there are more than
 * max_rows rows or none. */
enum sim_status scn_csv_each(const char *path, const char *const *want, int n_want,
                             int64_t max_rows, scn_csv_row_fn fn, void *ctx, struct sim_err *err);

/* Reads path's columns named want[0..n_want) into *rows, a new array of
 * *n x n_want doubles, row by row (free it). SIM_EINVAL, with
 * "PATH:LINE: ..." in err, when the file cannot be read, a column is
 * missing, a value is not a finite number, or there are more than
 * max_rows rows or none. */
enum sim_status scn_csv_read(const char *path, const char *const *want, int n_want,
                             int64_t max_rows, double **rows, int64_t *n, struct sim_err *err);

#endif
