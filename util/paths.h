/*
 * util/paths: where plsim's data lives (models/, scenarios/, plots/).
 *
 * In order: $PLSIM_DATA_DIR; the installed layout next to the binary,
 * BINDIR/../share/plsim (when it holds models/); the source tree the
 * binary was built from (compiled in). So `make install` works and a
 * build tree works without any setting.
 */
#ifndef UTIL_PATHS_H
#define UTIL_PATHS_H

/* The data directory. Borrowed; computed once per call site's process. */
const char *sim_data_dir(void);

/* Where `plsim calibrate` keeps this host's edge entry, "this-host":
 * $PLSIM_HOST_FILE, else $XDG_DATA_HOME/plsim/this-host.json, else
 * $HOME/.local/share/plsim/this-host.json; into buf, returned. */
const char *sim_host_entry_path(char *buf, unsigned long cap);

/* mkdir -p path; 0 on success, -1 with errno set. */
int sim_mkdirs(const char *path);

#endif
