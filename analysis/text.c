/*
 * analysis/text: see text.h.
 */
#include "analysis/text.h"

#include <stdlib.h>
#include <string.h>

#include "util/afile.h"
#include "util/status.h"

char *ana_json_take(cJSON *root)
{
    char *s = cJSON_Print(root);
    cJSON_Delete(root);
    char *copy = s != NULL ? strdup(s) : NULL;
    cJSON_free(s);
    SIM_ASSERT(copy != NULL, "out of memory printing JSON");
    return copy;
}

enum sim_status ana_json_write(const char *path, cJSON *root, struct sim_err *err)
{
    char *text = ana_json_take(root);
    const size_t n = strlen(text);
    char *line = realloc(text, n + 2);
    SIM_ASSERT(line != NULL, "out of memory printing JSON");
    memcpy(line + n, "\n", 2);
    const enum sim_status st = sim_afile_write_text(path, line, err);
    free(line);
    return st;
}
