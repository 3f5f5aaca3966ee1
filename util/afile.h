/*
 * util/afile: files written atomically. Output goes to PATH.tmp.PID and
 * is renamed over PATH only when every byte was written, so a failed run
 * never leaves a half-finished result file behind.
 */
#ifndef UTIL_AFILE_H
#define UTIL_AFILE_H

#include <stdio.h>

#include "util/status.h"

struct sim_afile {
    FILE *f;           /* write here */
    char path[4096];   /* final name */
    char tmp[4160];    /* temporary name */
};

/* Opens the temporary. On error err names path and the cause. */
enum sim_status sim_afile_open(struct sim_afile *a, const char *path, struct sim_err *err);

/* sim_afile_open of dir/name; returns a->f, or NULL (err says why). */
FILE *sim_afile_open_in(struct sim_afile *a, const char *dir, const char *name,
                        struct sim_err *err);

/* Closes and renames into place; on any error removes the temporary. */
enum sim_status sim_afile_commit(struct sim_afile *a, struct sim_err *err);

/* Closes and removes the temporary. */
void sim_afile_abort(struct sim_afile *a);

/* Writes text to path atomically (open, fputs, commit). */
enum sim_status sim_afile_write_text(const char *path, const char *text, struct sim_err *err);

/* Opens path for reading only if it is a regular file, without ever
 * blocking (a FIFO would hang an fopen): NULL with err "PATH: cannot
 * read: ..." or "PATH: not a regular file" otherwise. Close with fclose. */
FILE *sim_fopen_regular(const char *path, struct sim_err *err);

#endif
