/*
 * scenarios/catalog: the hardware catalogs models/edge.json,
 * models/gpu.json and models/link.json, read into models/hw structs, and
 * the LLM catalog models/llm/NAME.json, read into reference/config, all
 * through the field tables of scenarios/schema.
 *
 * Every number in a catalog is an object {"value", "kind", "source"}:
 * value is a unit string ("42.7 GB/s") or an SI number, kind is spec,
 * measured or assumed, source says where it comes from. Peak FLOPS also
 * carry "precision" and "sparsity" (dense or sparse). An entry lacking
 * any of these is refused with the file and JSON path.
 */
#ifndef SCENARIOS_CATALOG_H
#define SCENARIOS_CATALOG_H

#include <cJSON.h>

#include "models/hw.h"
#include "reference/config.h"
#include "util/status.h"

enum scn_catalog { SCN_CAT_EDGE, SCN_CAT_GPU, SCN_CAT_LINK, SCN_CAT_CELL, SCN_CAT_COUNT };

/* "edge device", "cloud GPU", "link", "cell". */
const char *scn_catalog_noun(enum scn_catalog c);

/* Directory holding the catalogs: $PLSIM_MODELS_DIR when set, else
 * models/ under sim_data_dir() (installed or source tree). Borrowed. */
const char *scn_catalog_dir(void);

/* Path of a catalog file under scn_catalog_dir(), into buf. */
const char *scn_catalog_path(enum scn_catalog c, char *buf, size_t cap);

/* Loads entry name of the device catalog at path (edge or GPU). Unknown
 * names get SIM_EINVAL with a suggestion and the known names. */
enum sim_status scn_catalog_device_load(const char *path, enum scn_catalog c,
                                        const char *name, struct mdl_device *out,
                                        struct sim_err *err);

/* Loads entry name of the link catalog at path. */
enum sim_status scn_catalog_link_load(const char *path, const char *name,
                                      struct mdl_link *out, struct sim_err *err);

/* Loads entry name of the cell catalog at path (present set, count 1). */
enum sim_status scn_catalog_cell_load(const char *path, const char *name,
                                      struct mdl_cell *out, struct sim_err *err);

/* Validates every entry of a catalog file; *n_entries counts them. */
enum sim_status scn_catalog_check_file(const char *path, enum scn_catalog c,
                                       int *n_entries, struct sim_err *err);

/* Parses one device entry (an object) found at JSON path jpath of file.
 * Used for catalog entries; exposed for the scenario loader. */
enum sim_status scn_catalog_parse_device(const char *file, const char *jpath,
                                         const cJSON *entry, struct mdl_device *out,
                                         struct sim_err *err);

/* Parses one link entry (an object) at jpath of file. */
enum sim_status scn_catalog_parse_link(const char *file, const char *jpath,
                                       const cJSON *entry, struct mdl_link *out,
                                       struct sim_err *err);

/* Loads the LLM architecture models/llm/NAME.json (fields of struct
 * ref_config plus name, description and source); an unknown name is
 * SIM_EINVAL with the known names in err. */
enum sim_status scn_llm_load(const char *name, struct ref_config *cfg, struct sim_err *err);

/* Parses one architecture file. */
enum sim_status scn_llm_load_file(const char *path, struct ref_config *cfg,
                                  struct sim_err *err);

#endif
