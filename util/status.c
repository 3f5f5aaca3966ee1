/*
 * util/status: status names, error-message formatting, the abort path of
 * SIM_ASSERT and the aborting allocators. See status.h.
 */
#include "util/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

const char *sim_status_str(enum sim_status st)
{
    switch (st) {
    case SIM_OK: return "success";
    case SIM_EINVAL: return "invalid input";
    case SIM_EIO: return "input/output error";
    case SIM_ENOMEM: return "out of memory";
    case SIM_ERANGE: return "value out of range";
    }
    return "unknown status";
}

enum sim_status sim_err_set(struct sim_err *err, enum sim_status st,
                            const char *fmt, ...)
{
    if (err != NULL) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return st;
}

void sim_assert_fail(const char *file, int line, const char *cond,
                     const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "plsim: internal error at %s:%d: assertion '%s' failed: ",
            file, line, cond);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

void *sim_xmalloc(size_t nbytes)
{
    void *p = malloc(nbytes == 0 ? 1 : nbytes);
    SIM_ASSERT(p != NULL, "out of memory allocating %zu bytes", nbytes);
    return p;
}

void *sim_xrealloc(void *p, size_t nbytes)
{
    void *q = realloc(p, nbytes == 0 ? 1 : nbytes);
    SIM_ASSERT(q != NULL, "out of memory reallocating %zu bytes", nbytes);
    return q;
}

void *sim_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);
    SIM_ASSERT(p != NULL, "out of memory allocating %zu x %zu bytes", n, size);
    return p;
}
