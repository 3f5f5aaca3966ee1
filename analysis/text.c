/*
 * analysis/text: see text.h.
 */
#include "analysis/text.h"

#include <stdlib.h>
#include <string.h>

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
