/*
 * models/llm: LLM architecture configs from the catalog's JSON files,
 * models/llm/NAME.json, read with cJSON.
 *
 * Each file is one object with the fields of struct ref_config plus
 * "name", "description" and "source". Unknown keys, wrong types and
 * non-integral dimensions are errors naming the file and the key.
 */
#ifndef MODELS_LLM_H
#define MODELS_LLM_H

#include "reference/config.h"
#include "util/status.h"

/* Directory holding the catalogs: $PLSIM_MODELS_DIR when set, else
 * models/ under sim_data_dir() (installed or source tree). Borrowed. */
const char *mdl_catalog_dir(void);

/* Parses one architecture file. */
enum sim_status mdl_llm_load_file(const char *path, struct ref_config *cfg,
                                  struct sim_err *err);

/* Loads models/llm/NAME.json from the catalog; an unknown name is
 * SIM_EINVAL with the list of known names in err. */
enum sim_status mdl_llm_load(const char *name, struct ref_config *cfg,
                             struct sim_err *err);

#endif
