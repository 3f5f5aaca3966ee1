/*
 * util/version: plsim's version, named in --version and in every
 * summary.json so that a result says what produced it.
 */
#ifndef UTIL_VERSION_H
#define UTIL_VERSION_H

#define PLSIM_VERSION "0.4.0"

#endif
