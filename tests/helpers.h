/*
 * tests/helpers: small file helpers shared by the test suites.
 * Header-only (static inline) because each suite is its own binary.
 */
#ifndef TESTS_HELPERS_H
#define TESTS_HELPERS_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

/* The whole file, NUL-terminated; *n gets its size. Caller frees. */
static inline char *th_slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s missing", path);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    rewind(f);
    char *b = malloc(*n + 1);
    cr_assert_eq(fread(b, 1, *n, f), *n);
    b[*n] = '\0';
    fclose(f);
    return b;
}

/* Writes text to dir/name. */
static inline void th_write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

/* Removes a test's temporary directory and everything in it. */
static inline void th_remove_dir(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

/* Runs `$PLSIM_BIN ARGS` quietly; returns its exit code (-1 if killed). */
static inline int th_run_plsim(const char *args)
{
    const char *bin = getenv("PLSIM_BIN");
    cr_assert_not_null(bin, "PLSIM_BIN must point at the plsim binary (make check sets it)");
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "%s %s >/dev/null 2>&1", bin, args);
    const int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#endif
