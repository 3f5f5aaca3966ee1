/*
 * analysis/slurm: a sweep handed to Slurm as a job array, on a shared
 * filesystem.
 *
 * ana_slurm_write lays out a folder: sweep.json (what the sweep is: the
 * scenario, fixed and varied keys, the plsim binary), points.csv (every
 * point's overrides, for people), job.sh (the array's script) and
 * shards/. Task i of the array runs points i, i + A, i + 2A, ... (A the
 * array's size): each point simulated alone and its CSV row written to
 * shards/P.csv atomically, or its error to shards/P.err. A task skips a
 * point whose row exists, so submitting the array again runs only what
 * is missing. ana_slurm_gather merges the rows into the CSV a local
 * `plsim sweep` writes, byte for byte.
 */
#ifndef ANALYSIS_SLURM_H
#define ANALYSIS_SLURM_H

#include <stdint.h>

#include "analysis/sweep.h"
#include "util/status.h"

#define ANA_SLURM_MAX_OPTS 16
#define ANA_SLURM_MAX_ARRAY 10000 /* tasks in one array */

struct ana_slurm_opts {
    int64_t array_size;                           /* tasks; 0: one per point, bounded */
    const char *sbatch[ANA_SLURM_MAX_OPTS];       /* extra #SBATCH lines, as given */
    int n_sbatch;
};

/* Checks every point of the sweep of file (fixed overrides set) and
 * writes dir's sweep.json, points.csv, job.sh and an empty shards/ for
 * binary (an absolute path). Nothing is written if a point is bad.
 * *tasks receives the array's size. */
enum sim_status ana_slurm_write(const char *dir, const struct ana_sweep *s, const char *file,
                                const char *const *set, int n_set,
                                const struct ana_slurm_opts *o, const char *binary,
                                int64_t *tasks, struct sim_err *err);

/* Runs task of dir's array: its points still missing. *done and *failed
 * receive the points it simulated and those that failed (their errors in
 * shards/P.err); SIM_OK even when some failed. */
enum sim_status ana_slurm_task(const char *dir, int64_t task, int64_t *done, int64_t *failed,
                               struct sim_err *err);

/* Merges dir's rows into out (atomically). SIM_ERANGE, nothing written,
 * if a point is missing or failed: err counts them and names the first;
 * each is listed on stderr. SIM_EINVAL if dir holds no sweep. */
enum sim_status ana_slurm_gather(const char *dir, const char *out, struct sim_err *err);

#endif
