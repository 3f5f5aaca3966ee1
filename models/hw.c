/*
 * models/hw: names and look-ups for the hardware structs. See hw.h.
 */
#include "models/hw.h"

#include <string.h>

const char *mdl_kind_name(enum mdl_kind k)
{
    switch (k) {
    case MDL_KIND_SPEC: return "spec";
    case MDL_KIND_MEASURED: return "measured";
    case MDL_KIND_ASSUMED: return "assumed";
    case MDL_KIND_OVERRIDE: return "override";
    }
    return "?";
}

const char *mdl_precision_name(enum mdl_precision p)
{
    static const char *const names[MDL_PREC_COUNT] = {"fp32", "fp16", "bf16", "int8", "int4"};
    return (p >= 0 && p < MDL_PREC_COUNT) ? names[p] : "?";
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
