/*
 * scenarios/json: defensive JSON file reading. See json.h.
 */
#include "scenarios/json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/afile.h"

/* 1 if buf[0..n) is valid UTF-8 with no NUL byte. */
static int is_text(const unsigned char *buf, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const unsigned char c = buf[i];
        int extra;
        if (c == 0)
            return 0;
        if (c < 0x80)
            extra = 0;
        else if ((c & 0xe0) == 0xc0 && c >= 0xc2)
            extra = 1;
        else if ((c & 0xf0) == 0xe0)
            extra = 2;
        else if ((c & 0xf8) == 0xf0 && c <= 0xf4)
            extra = 3;
        else
            return 0;
        if (extra > 0 && i + (size_t)extra >= n) // truncated sequence
            return 0;
        for (int k = 1; k <= extra; k++)
            if ((buf[i + (size_t)k] & 0xc0) != 0x80)
                return 0;
        i += (size_t)extra + 1;
    }
    return 1;
}

/* Deepest nesting of [ and { outside strings. */
static int max_depth(const char *s)
{
    int depth = 0, max = 0, in_str = 0;
    for (; *s; s++) {
        if (in_str) {
            if (*s == '\\' && s[1] != '\0')
                s++;
            else if (*s == '"')
                in_str = 0;
        } else if (*s == '"') {
            in_str = 1;
        } else if (*s == '{' || *s == '[') {
            if (++depth > max)
                max = depth;
        } else if (*s == '}' || *s == ']') {
            depth--;
        }
    }
    return max;
}

/* Line and column (1-based) of offset off in text. */
static void line_col(const char *text, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && text[i]; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static enum sim_status read_all(const char *path, char **out, size_t *len, struct sim_err *err)
{
    *out = NULL;
    FILE *f = sim_fopen_regular(path, err);
    if (f == NULL)
        return SIM_EIO;
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(f);
        return sim_err_set(err, SIM_EIO, "%s: not a regular file", path);
    }
    if (sb.st_size > SCN_JSON_MAX_BYTES) {
        fclose(f);
        return sim_err_set(err, SIM_EINVAL, "%s: %lld bytes is larger than the %d-byte limit for "
                           "a scenario", path, (long long)sb.st_size, SCN_JSON_MAX_BYTES);
    }
    char *buf = sim_xmalloc((size_t)sb.st_size + 1);
    const size_t n = fread(buf, 1, (size_t)sb.st_size, f);
    const int bad = ferror(f);
    fclose(f);
    if (bad || n != (size_t)sb.st_size) {
        free(buf);
        return sim_err_set(err, SIM_EIO, "%s: read failed", path);
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return SIM_OK;
}

enum sim_status scn_json_read_file(const char *path, cJSON **out, struct sim_err *err)
{
    *out = NULL;
    char *text = NULL;
    size_t n = 0;
    enum sim_status st = read_all(path, &text, &n, err);
    if (st != SIM_OK)
        return st;
    size_t first = 0;
    while (first < n && strchr(" \t\r\n", text[first]) != NULL)
        first++;
    if (first == n)
        st = sim_err_set(err, SIM_EINVAL, "%s: empty file: expected a JSON object", path);
    else if (!is_text((const unsigned char *)text, n))
        st = sim_err_set(err, SIM_EINVAL, "%s: binary file: expected UTF-8 JSON text", path);
    else if (max_depth(text) > SCN_JSON_MAX_DEPTH)
        st = sim_err_set(err, SIM_EINVAL, "%s: nesting deeper than %d levels", path,
                         SCN_JSON_MAX_DEPTH);
    if (st == SIM_OK) {
        const char *end = NULL;
        cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
        if (root == NULL) {
            int line, col;
            const size_t off = end != NULL ? (size_t)(end - text) : 0;
            line_col(text, off, &line, &col);
            st = sim_err_set(err, SIM_EINVAL, "%s: invalid JSON at line %d, column %d", path,
                             line, col);
        } else {
            *out = root;
        }
    }
    free(text);
    return st;
}

const char *scn_json_type_name(const cJSON *item)
{
    if (item == NULL)
        return "nothing";
    if (cJSON_IsString(item))
        return "a string";
    if (cJSON_IsNumber(item))
        return "a number";
    if (cJSON_IsObject(item))
        return "an object";
    if (cJSON_IsArray(item))
        return "an array";
    if (cJSON_IsBool(item))
        return "true/false";
    if (cJSON_IsNull(item))
        return "null";
    return "an invalid value";
}

/* Levenshtein distance, capped at 99 for long strings. */
static int edit_distance(const char *a, const char *b)
{
    const size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 99;
    int row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            const int up = row[j];
            const int sub = diag + (a[i - 1] != b[j - 1]);
            const int del = row[j] + 1, ins = row[j - 1] + 1;
            row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            diag = up;
        }
    }
    return row[lb];
}

const char *scn_json_suggest(const char *key, const char *const *candidates)
{
    const char *best = NULL;
    int best_d = 99;
    for (const char *const *c = candidates; *c != NULL; c++) {
        const int d = edit_distance(key, *c);
        if (d < best_d) {
            best_d = d;
            best = *c;
        }
    }
    const int len = (int)strlen(key);
    return (best != NULL && (best_d <= 2 || best_d * 3 <= len)) ? best : NULL;
}
