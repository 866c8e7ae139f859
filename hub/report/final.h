/*
 * final.h - the final report of the campaign (docs/REPORTS.md, "The final
 * report"): a PDF in the Vietnamese administrative layout, drawn with Cairo
 * and Pango from the same loaders as the other reports, and its signature
 * beside it (FILE.pdf.sig): Ed25519 with the hub's key over the PDF's
 * SHA-256, the as-of date and the head of the ledger the figures were
 * computed from. The same ledger and as-of date give the same PDF bytes.
 *
 * Results are hub_result (result.h); err gets one line saying what failed
 * and what to do. Strings passed in are borrowed for the call.
 */
#ifndef HUB_FINAL_H
#define HUB_FINAL_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include "maiam/proto.h"
#include "result.h"

/* The ledger a report was computed from: how many change-sets it held and
 * the SHA-256 over every origin's chain head (final_sig.c says how). */
typedef struct hub_final_ledger {
	int64_t changesets;
	uint8_t head[32];
} hub_final_ledger;

/* What the signature file states; filled by hub_final_verify. */
typedef struct hub_final_signed {
	uint8_t pdf_sha256[32];
	char as_of[11];
	hub_final_ledger ledger;
	uint64_t key_id;
} hub_final_signed;

/*
 * Write the final report as of as_of (YYYY-MM-DD) to pdf_path and its
 * signature, signed with key (a private key), to pdf_path + ".sig". Both
 * files are written whole or not at all. *pages gets the page count.
 * HUB_REFUSED (no [report] section in the campaign file, a path that
 * cannot be written: err says which), HUB_EDB, HUB_ENOMEM, HUB_ECRYPTO.
 */
hub_result hub_final_write(sqlite3 *db, const proto_campaign *c, const char *as_of, const proto_key *key,
			   const char *pdf_path, int *pages, char *err, size_t errlen);

/*
 * Check pdf_path against pdf_path + ".sig" with key (public or private):
 * HUB_OK and *what filled when the PDF is byte for byte the one signed, by
 * that key; HUB_REFUSED when it is not (err says which check failed: the
 * file's SHA-256, the key, the signature), or when a file cannot be read.
 */
hub_result hub_final_verify(const char *pdf_path, const proto_key *key, hub_final_signed *what,
			    char *err, size_t errlen);

/*
 * Free the caches of fonts Pango, Cairo and fontconfig keep for the life of
 * the process once a report has been drawn (a leak checker reports them
 * otherwise). Call it once no report will be drawn any more in the
 * process, as the command does at its end.
 */
void hub_final_release_fonts(void);

/* maiam-hub report final|verify (final_cmd.c); argv[1] is "final" or "verify". */
int hub_final_cmd(int argc, char **argv);

#endif
