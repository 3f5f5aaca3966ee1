/*
 * scenarios/schema: the scenario schema and the per-file check.
 *
 * Each file of an extends chain is checked on its own, so an error names
 * the file that holds the bad value; every value checked is recorded with
 * the index of the file that set it (its provenance).
 */
#ifndef SCENARIOS_SCHEMA_H
#define SCENARIOS_SCHEMA_H

#include <cJSON.h>

#include "scenarios/units.h"
#include "util/status.h"

enum scn_ftype {
    SCN_F_STRING,  /* any non-empty string */
    SCN_F_INT,     /* integer in [min, max] */
    SCN_F_NUM,     /* number in [min, max] (strict bounds with min_open/max_open) */
    SCN_F_QTY,     /* unit string or SI number of quantity q, >= min */
    SCN_F_ENUM,    /* one of choices */
    SCN_F_OBJECT,  /* object with fields sub */
    SCN_F_REF,     /* catalog name (string) or object with fields sub */
    SCN_F_LAYERS,  /* "all" or array of layer indices */
};

struct scn_field {
    const char *key;
    enum scn_ftype type;
    enum scn_quantity q;
    const char *const *choices;
    double min, max;
    int min_open;               /* 1: value must be > min */
    const struct scn_field *sub;    /* NULL-key terminated */
};

/* The top-level keys of a scenario (NULL-key terminated). */
extern const struct scn_field scn_top_fields[];

#define SCN_MAX_ORIGINS 256 /* leaf values tracked for provenance */

/* Which file (an index into the loader's chain) set each JSON path. */
struct scn_origins {
    struct {
        char jpath[96];
        int file;
    } o[SCN_MAX_ORIGINS];
    int n;
};

/* Records that file set jpath, unless a nearer file already did. */
void scn_origins_note(struct scn_origins *o, const char *jpath, int file);

/* The file index that set jpath, or -1. */
int scn_origins_find(const struct scn_origins *o, const char *jpath);

/* Checks obj (at jpath of file, the chain's file_idx) against fields:
 * unknown keys (with a suggestion), types, units and ranges. */
enum sim_status scn_schema_check_object(struct scn_origins *o, int file_idx, const char *file,
                                        const char *jpath, const struct scn_field *fields,
                                        const cJSON *obj, struct sim_err *err);

#endif
