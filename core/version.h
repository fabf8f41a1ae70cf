/* version.h - the version of exwizard, shown by --version and in every report. */
#ifndef EW_VERSION_H
#define EW_VERSION_H

#define EW_VERSION "0.1.0"

#endif
