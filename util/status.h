/*
 * util/status: the project's two error tiers (house style, habit 5).
 *
 * Expected failures (bad input, missing file) are reported with an
 * enum sim_status plus a human-readable message in a struct sim_err that
 * the caller owns; library code never prints and never exits.
 * Programmer errors and broken invariants use SIM_ASSERT, which is never
 * compiled out and aborts with the file and line.
 *
 * This is not a logging facility; it holds no global state.
 */
#ifndef UTIL_STATUS_H
#define UTIL_STATUS_H

#include <stddef.h>

enum sim_status {
    SIM_OK = 0,
    SIM_EINVAL, /* input is malformed or out of range */
    SIM_EIO,    /* a file could not be read or written */
    SIM_ENOMEM, /* an allocation failed where we chose to report it */
    SIM_ERANGE, /* a value does not fit the representation */
};

/* Message slot filled by a failing call; "" when nothing failed. */
struct sim_err {
    char msg[1024];
};

/* Static English name of a status code, e.g. "invalid input". */
const char *sim_status_str(enum sim_status st);

/* Formats into err->msg (printf-style) and returns st, so a failing
 * function can write `return sim_err_set(err, SIM_EINVAL, "...")`.
 * err may be NULL, in which case only st is returned. */
enum sim_status sim_err_set(struct sim_err *err, enum sim_status st,
                            const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Aborts with file, line and message. Used only through SIM_ASSERT. */
_Noreturn void sim_assert_fail(const char *file, int line, const char *cond,
                               const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Invariant check, never compiled out. */
#define SIM_ASSERT(cond, ...)                                                  \
    do {                                                                       \
        if (!(cond))                                                           \
            sim_assert_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);           \
    } while (0)

/* malloc/calloc/realloc that abort on out-of-memory (as xbt_malloc,
 * llm.c mallocCheck). Caller frees with free(). */
void *sim_xmalloc(size_t nbytes);
void *sim_xcalloc(size_t n, size_t size);
void *sim_xrealloc(void *p, size_t nbytes);

#endif
