/*
 * scenarios/schema: one declarative schema for every JSON file plsim
 * reads: scenarios, the hardware catalogs and the LLM catalog.
 *
 * A field table says, for each key: its type, its unit (a quantity), its
 * range or its choices (the owning module's name table), where its value
 * goes (an offset into a target struct, with the width stored there),
 * its default, and whether it is required. Applying a JSON object to a
 * target checks and converts every value and writes it in one pass, so
 * checking and resolving cannot disagree; an error names the file and
 * the JSON path ("FILE: $.link.rtt: expected a value >= 0, found ...").
 * Keys whose meaning spans several values (a catalog reference, the
 * model, the adapted layers) are HOOK fields: the table still lists
 * them, and a function of the module that owns the target applies them.
 *
 * Every value applied is recorded with the index of the file that set
 * it (its provenance), later files overwriting earlier ones.
 */
#ifndef SCENARIOS_SCHEMA_H
#define SCENARIOS_SCHEMA_H

#include <stddef.h>

#include <cJSON.h>

#include "scenarios/units.h"
#include "util/status.h"

enum scn_ftype {
    SCN_F_STRING, /* non-empty string -> char[size] */
    SCN_F_INT,    /* integer in [min, max] -> int (size 4) or int64_t (size 8) */
    SCN_F_NUM,    /* number in [min, max] -> float (size 4) or double (size 8) */
    SCN_F_QTY,    /* unit string or SI number of quantity q, in [min, max] -> double */
    SCN_F_BOOL,   /* true or false -> int */
    SCN_F_ENUM,   /* one of choices -> int, the index in choices */
    SCN_F_FACT,   /* {"value", "kind", "source"} of quantity q -> struct mdl_fact */
    SCN_F_OBJECT, /* an object of the fields sub, offsets from the same target */
    SCN_F_HOOK,   /* applied by hook */
};

struct scn_field;
struct scn_apply;

/* Applies the value v found at jpath for field f. */
typedef enum sim_status (*scn_hook_fn)(const struct scn_apply *a, const struct scn_field *f,
                                       const char *jpath, const cJSON *v, struct sim_err *err);

struct scn_field {
    const char *key;
    enum scn_ftype type;
    enum scn_quantity q;         /* QTY and FACT */
    const char *const *choices;  /* ENUM: the owning module's NULL-terminated names */
    double min, max;             /* INT, NUM, QTY: the range */
    int min_open;                /* 1: the value must be > min */
    const struct scn_field *sub; /* OBJECT */
    ptrdiff_t off;               /* destination offset from the target, or -1: none */
    int size;                    /* bytes at the destination (see the types) */
    int required;                /* 1: some file must set it (scn_schema_missing) */
    double dflt;                 /* default: number, enum index or bool */
    scn_hook_fn hook;            /* HOOK */
};

/* Table terminator and "no destination". */
#define SCN_END {NULL, SCN_F_STRING, 0, NULL, 0, 0, 0, NULL, -1, 0, 0, 0, NULL}
#define SCN_NO_DEST (-1)

#define SCN_MAX_ORIGINS 256 /* leaf values tracked for provenance */

/* Which file (an index into the loader's chain) set each JSON path. */
struct scn_origins {
    struct {
        char jpath[96];
        int file;
    } o[SCN_MAX_ORIGINS];
    int n;
};

/* Records that file set jpath (a later application overwrites). */
void scn_origins_note(struct scn_origins *o, const char *jpath, int file);

/* The file index that set jpath, or -1. */
int scn_origins_find(const struct scn_origins *o, const char *jpath);

/* One application of a file's object to a target. */
struct scn_apply {
    const char *file;            /* named in errors */
    int file_idx;                /* provenance index */
    struct scn_origins *origins; /* where provenance goes, or NULL */
    void *target;                /* base of the offsets */
    void *ctx;                   /* what hooks need */
};

/* Checks obj (found at jpath) against fields and writes each value to
 * its destination: unknown keys (with a suggestion), types, units,
 * ranges, choices. Stops at the first problem. */
enum sim_status scn_schema_apply(const struct scn_apply *a, const char *jpath,
                                 const struct scn_field *fields, const cJSON *obj,
                                 struct sim_err *err);

/* Writes every field's default to its destination (recursively). */
void scn_schema_defaults(const struct scn_field *fields, void *target);

/* SIM_EINVAL "FILE: $.path: missing; expected ..." for the first
 * required field under jpath that no application recorded in o. */
enum sim_status scn_schema_missing(const struct scn_field *fields, const struct scn_origins *o,
                                   const char *jpath, const char *file, struct sim_err *err);

/* A numeric JSON value (or, for QTY fields, a unit string) of field f
 * converted to SI and range-checked, for hooks. */
enum sim_status scn_schema_number(const char *file, const char *jpath, const struct scn_field *f,
                                  const cJSON *v, double *out, struct sim_err *err);

/* "expected one of a, b, c, found 'x' (did you mean 'y'?)" for hooks
 * and callers with a name table; *index gets the match. */
enum sim_status scn_schema_choice(const char *file, const char *jpath,
                                  const char *const *choices, const cJSON *v, int *index,
                                  struct sim_err *err);

#endif
