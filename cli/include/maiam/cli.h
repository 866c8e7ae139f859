/*
 * cli.h - the command-line layer maiam-agent and maiam-hub share: a command
 * declares its options in a table (name, kind, where the value goes, help),
 * and cli_parse fills those destinations directly. "--x v" and "--x=v" are
 * the same; "--" ends the options. The parser prints nothing: a mistake comes
 * back as a cli_error and each program words it in its own voice and
 * language. Depends on nothing of agent/ or hub/ (curl keeps curlx_ so).
 */
#ifndef MAIAM_CLI_H
#define MAIAM_CLI_H

#include <stddef.h>
#include <stdint.h>

#define CLI_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The most options one table may hold (cli_parse remembers which it saw). */
#define CLI_MAX_OPTS 32

typedef enum cli_kind {
	CLI_KIND_FLAG,   /* int: set to 1; "--x=v" is refused */
	CLI_KIND_STRING, /* const char *: the value, borrowed from argv */
	CLI_KIND_INT,    /* int: a decimal in [lo, hi] */
	CLI_KIND_INT64,  /* int64_t: a decimal in [lo, hi] */
	CLI_KIND_SIZE,   /* size_t: a decimal in [lo, hi], lo >= 0 */
	CLI_KIND_UINT32, /* uint32_t: a decimal in [lo, hi], lo >= 0 */
	CLI_KIND_CHOICE, /* int: the index of the value in choices */
	CLI_KIND_LIST,   /* cli_list: every value in order; the option may repeat */
} cli_kind;

/* Where a repeatable option's values go: v has room for max of them. */
typedef struct cli_list {
	const char **v;
	size_t max;
	size_t n; /* how many were given */
} cli_list;

typedef struct cli_opt {
	const char *name; /* without the leading "--" */
	cli_kind kind;
	union {
		int *i; /* FLAG, INT and CHOICE */
		const char **str;
		int64_t *i64;
		size_t *size;
		uint32_t *u32;
		cli_list *list;
	} to;
	int64_t lo, hi;             /* numbers: the accepted range */
	const char *const *choices; /* CHOICE: the words, NULL-terminated */
	const char *arg;            /* the value's name in usage text ("DIR"), NULL for a flag */
	const char *help;           /* one line for the command's help */
} cli_opt;

/* Table entries. Each writes through a typed pointer, so the compiler checks
 * that the destination fits the kind. A destination is left as it is when the
 * option is not given: set the default before parsing. */
#define CLI_FLAG(n, p, h) \
	{ \
		.name = (n), .kind = CLI_KIND_FLAG, .to.i = (p), .help = (h) \
	}
#define CLI_STRING(n, p, a, h) \
	{ \
		.name = (n), .kind = CLI_KIND_STRING, .to.str = (p), .arg = (a), .help = (h) \
	}
#define CLI_NUMBER_(k, member, n, p, l, u, a, h) \
	{ \
		.name = (n), .kind = (k), .to.member = (p), .lo = (l), .hi = (u), .arg = (a), .help = (h) \
	}
#define CLI_INT(n, p, l, u, a, h) CLI_NUMBER_(CLI_KIND_INT, i, n, p, l, u, a, h)
#define CLI_INT64(n, p, l, u, a, h) CLI_NUMBER_(CLI_KIND_INT64, i64, n, p, l, u, a, h)
#define CLI_SIZE(n, p, l, u, a, h) CLI_NUMBER_(CLI_KIND_SIZE, size, n, p, l, u, a, h)
#define CLI_UINT32(n, p, l, u, a, h) CLI_NUMBER_(CLI_KIND_UINT32, u32, n, p, l, u, a, h)
#define CLI_CHOICE(n, p, c, a, h) \
	{ \
		.name = (n), .kind = CLI_KIND_CHOICE, .to.i = (p), .choices = (c), .arg = (a), \
		.help = (h) \
	}
#define CLI_LIST(n, p, a, h) \
	{ \
		.name = (n), .kind = CLI_KIND_LIST, .to.list = (p), .arg = (a), .help = (h) \
	}

typedef enum cli_errcode {
	CLI_E_NONE,
	CLI_E_UNKNOWN,      /* word: an option no entry names */
	CLI_E_EXTRA,        /* word: a positional argument beyond maxargs */
	CLI_E_TWICE,        /* opt: given again (only LIST may repeat) */
	CLI_E_FLAG_VALUE,   /* opt, value: "--flag=value" */
	CLI_E_NO_VALUE,     /* opt: the last word, or an empty value where CLI_NONEMPTY */
	CLI_E_OPTION_VALUE, /* opt, value: the next word starts with "--" ("--note --date") */
	CLI_E_NOT_INT,      /* opt, value: not a decimal in [opt->lo, opt->hi] */
	CLI_E_CHOICE,       /* opt, value: not one of opt->choices */
	CLI_E_LIST_FULL,    /* opt, value: more than its cli_list holds */
} cli_errcode;

/* What went wrong, for the program to word. Pointers are borrowed from the
 * table and from argv. */
typedef struct cli_error {
	cli_errcode code;
	const cli_opt *opt; /* the option concerned, or NULL */
	const char *word;   /* the argv word at fault */
	const char *value;  /* the value refused, or NULL */
} cli_error;

/* Parser settings (flags of cli_spec). */
#define CLI_NONEMPTY 1u /* an empty value ("--x=" or "--x ''") is a missing one */
#define CLI_PASS_UNKNOWN \
	2u /* leave unknown options (and everything after "--",
			       * "--" included) in args instead of refusing them;
			       * --help is then not special */

/* One command's parse: its table, its positional arguments, and settings. */
typedef struct cli_spec {
	const cli_opt *opts;
	size_t nopts;   /* at most CLI_MAX_OPTS */
	char **args;    /* where positional arguments go, in order; may be
			      * the argv given to cli_parse (filled in place) */
	size_t maxargs; /* more than this is CLI_E_EXTRA */
	unsigned flags; /* CLI_NONEMPTY, CLI_PASS_UNKNOWN */
	size_t nargs;   /* out: how many positional arguments */
} cli_spec;

/* A spec's table, with its size checked against CLI_MAX_OPTS at compile time:
 * cli_spec s = { CLI_TABLE(opts), .args = pos, .maxargs = 1 }; */
#define CLI_TABLE(t) \
	.opts = (t), \
	.nopts = sizeof(struct { \
		_Static_assert(CLI_ARRAY_SIZE(t) <= CLI_MAX_OPTS, "option table over CLI_MAX_OPTS"); \
		char c; \
	}) \
			 ? CLI_ARRAY_SIZE(t) \
			 : 0

typedef enum cli_status { CLI_OK = 0, CLI_HELP = 1, CLI_ERROR = -1 } cli_status;

/*
 * Parse argv[0..argc-1] (the words after the command's name) against
 * spec's table: options before, between or after the positional arguments;
 * "--" makes every later word positional; "-h" or "--help" (before "--")
 * returns CLI_HELP at once. A value is "--x=v" or the next word, which must
 * not start with "--" (write "--x=--v" for such a value). Returns CLI_OK,
 * CLI_HELP, or CLI_ERROR with *err filled. Destinations of options given
 * before a mistake may already be written.
 */
cli_status cli_parse(cli_spec *spec, int argc, char **argv, cli_error *err);

/*
 * The one strict decimal parser of both programs: an optional '-' and
 * digits, nothing else (no spaces, no '+', no hex), whose value lies in
 * [lo, hi]. 0 and *out set, or -1 and *out untouched.
 */
int cli_parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out);

/* The index of s in a NULL-terminated list of words, or -1. */
int cli_choice(const char *const *choices, const char *s);

/* The choices joined by ", " into out (truncated to fit); returns out. */
char *cli_choices_join(const char *const *choices, char *out, size_t outlen);

/* A table as one usage line, "[--dir DIR] [--json] [--host NAME ...]", into
 * out (truncated to fit); returns out. */
char *cli_usage(const cli_opt *opts, size_t nopts, char *out, size_t outlen);

#endif
