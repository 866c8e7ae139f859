/*
 * config.h - serve's settings from three places (docs/BACKUP.md, "The
 * configuration file"): the command line, then the environment, then the
 * configuration file (/etc/maiam/hub.conf when it exists, or --config FILE),
 * then the defaults. The keys are the command's option names without their
 * "--" ("listen", "max-conns"); the environment variable of a key is
 * MAIAM_HUB_ and the key in capitals with '_' for '-' (MAIAM_HUB_DIR,
 * MAIAM_HUB_MAX_CONNS). Values are checked by the same parser as the
 * command line (maiam/cli.h); a mistake in the file names its line.
 */
#ifndef HUB_CONFIG_H
#define HUB_CONFIG_H

#include <limits.h>
#include <stdio.h>
#include "maiam/cli.h"
#include "result.h"

#define HUB_CONFIG_DEFAULT "/etc/maiam/hub.conf"
#define HUB_CONFIG_ENV "MAIAM_HUB_CONFIG"
#define HUB_CONFIG_ENV_PREFIX "MAIAM_HUB_"

/* Where a setting's value came from. */
typedef enum hub_setting_origin {
	HUB_FROM_DEFAULT,
	HUB_FROM_FILE,
	HUB_FROM_ENV,
	HUB_FROM_ARGS,
} hub_setting_origin;

/*
 * The settings of one command: its option table (borrowed; the values go
 * where its entries point, as cli_parse writes them) and where each came
 * from. A string value read from the file or the environment points into
 * words this struct owns: keep it until the values are no longer used,
 * then hub_settings_free.
 */
typedef struct hub_settings {
	const cli_opt *opts;
	size_t nopts;
	char file[PATH_MAX]; /* the file read, "" when none */
	struct {
		hub_setting_origin origin;
		unsigned line; /* HUB_FROM_FILE: its line */
	} from[CLI_MAX_OPTS];
	char **words; /* "--key=value" made of the file's lines and the environment */
	size_t nwords;
} hub_settings;

/*
 * Fill the table's destinations from the file and the environment, for the
 * command whose words are argv[1..argc-1] (argv[0] is the command): the
 * file is the value of --config among them, else $MAIAM_HUB_CONFIG, else
 * HUB_CONFIG_DEFAULT when it exists. Options given on the command line are
 * marked HUB_FROM_ARGS (the caller's cli_parse then writes them). Options
 * the file may not set (those named in skip, NULL-terminated, flags and
 * lists) are neither read from it nor from the environment. HUB_OK, or
 * HUB_REFUSED with one line in err naming the file and line, or the
 * variable, and the way out; HUB_EIO when the file cannot be read.
 */
hub_result hub_settings_load(hub_settings *s, const cli_opt *opts, size_t nopts, const char *const *skip,
			     int argc, char **argv, char *err, size_t errlen);
/* Every setting as "key = value   # origin", a valid configuration file. */
void hub_settings_print(const hub_settings *s, const char *const *skip, FILE *f);
/* serve --check-config: hub_settings_print, then whether dir holds a hub:
 * HUB_OK, or HUB_REFUSED with err saying what is wrong and the way out. */
hub_result hub_settings_check(const hub_settings *s, const char *const *skip, const char *dir, FILE *f,
			      char *err, size_t errlen);
void hub_settings_free(hub_settings *s);

#endif
