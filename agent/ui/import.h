/*
 * import.h - the files of an import from the app and the CLI's words about
 * them (import_files.c), for page_import.c. The files, in home/ui-tmp/:
 * import-TOKEN.csv, the upload, until it is imported; import-TOKEN-loi.csv,
 * the CLI's own errors file (it writes FILE-loi.csv beside its input), until
 * the next upload or the end of the ui process. Each upload removes every
 * earlier import's files: one import at a time. TOKEN is 32 random hex
 * digits, the only thing a page carries.
 */
#ifndef MAIAM_AGENT_UI_IMPORT_H
#define MAIAM_AGENT_UI_IMPORT_H
#include "ui.h"

#define AGENT_UI_IMPORT_TOKEN_HEX 32
#define AGENT_UI_IMPORT_NAME_MAX 256

/* 1 when s is exactly a token of ours: 32 lowercase hex digits. */
int agent_ui_import_token_valid(const char *s);
/* Keep data as a new import's upload, 0600, its token into token; every
 * earlier import's files are removed, and all of them when the process
 * ends. 0, or -1 with errno set. */
int agent_ui_import_keep(agent_ctx *ctx, const uint8_t *data, size_t len,
			 char token[AGENT_UI_IMPORT_TOKEN_HEX + 1]);

/* An upload's paths, as the CLI's messages name them, and the file's own
 * name the user knows it by. */
typedef struct agent_ui_import_names {
	char path[AGENT_PATH_MAX + 64];       /* home/ui-tmp/import-TOKEN.csv */
	char loi[AGENT_PATH_MAX + 64];        /* home/ui-tmp/import-TOKEN-loi.csv */
	char stem[AGENT_PATH_MAX + 64];       /* path without ".csv" */
	char name[AGENT_UI_IMPORT_NAME_MAX];  /* "danh-sach.csv": as it was uploaded */
	char shown[AGENT_UI_IMPORT_NAME_MAX]; /* "danh-sach": name without ".csv" */
} agent_ui_import_names;
/* nm of token, whose upload was named filename (NULL: unknown). 0, or -1
 * when the agent's home has too long a name. */
int agent_ui_import_names_of(const agent_ctx *ctx, const char *token, const char *filename,
			     agent_ui_import_names *nm);

/* The CLI's messages err (lines), each between open and close ("<li>",
 * "</li>") appended to b: "Row N: why" for a row; the upload's own name
 * where a message names its path; with loi_kept, the note naming the
 * errors file left out (the page offers its download instead). */
void agent_ui_import_say_lines(proto_buf *b, const agent_ui_import_names *nm, const char *err,
			       int loi_kept, const char *open, const char *close);
/* The reason err gives for the row at line into why; 1 found, 0 none. */
int agent_ui_import_reason(const agent_ui_import_names *nm, const char *err, size_t line, char *why,
			   size_t n);

#endif
