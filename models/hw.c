/*
 * models/hw: names and look-ups for the hardware structs. See hw.h.
 */
#include "models/hw.h"

#include <string.h>

const char *const mdl_kind_names[MDL_KIND_OVERRIDE + 2] = {"spec", "measured", "assumed",
                                                            "override", NULL};
const char *const mdl_catalog_kind_names[MDL_KIND_OVERRIDE + 1] = {"spec", "measured",
                                                                   "assumed", NULL};
const char *const mdl_precision_names[MDL_PREC_COUNT + 1] = {"fp32", "fp16", "bf16", "int8",
                                                             "int4", NULL};
const char *const mdl_sparsity_names[3] = {"dense", "sparse", NULL};
const char *const mdl_scope_names[3] = {"model", "decoder", NULL};

const char *mdl_kind_name(enum mdl_kind k)
{
    return (k >= 0 && k <= MDL_KIND_OVERRIDE) ? mdl_kind_names[k] : "?";
}

const char *mdl_precision_name(enum mdl_precision p)
{
    return (p >= 0 && p < MDL_PREC_COUNT) ? mdl_precision_names[p] : "?";
}

const struct mdl_measured *mdl_device_find_measured(const struct mdl_device *dev,
                                                    const char *model,
                                                    double weight_bits,
                                                    enum ref_phase phase)
{
    for (int i = 0; i < dev->n_measured; i++) {
        const struct mdl_measured *m = &dev->measured[i];
        if (strcmp(m->model, model) == 0 && m->weight_bits == weight_bits &&
            m->phase == phase && m->batch == 1)
            return m;
    }
    return NULL;
}
