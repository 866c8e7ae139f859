/*
 * fuzz_csv.c - libFuzzer target for the CSV reader behind `household import`
 * (agent/csv.c): the input is a whole household list as a commune exports it
 * from Excel. Every row is read to the end and every field is walked with the
 * agent's UTF-8 decoder, as the importer does before it validates a value.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "csv.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	agent_csv c;
	int rc;

	agent_csv_init(&c, (const char *)data, size);
	while ((rc = agent_csv_next(&c)) == 1) {
		/* the reader's promises (csv.h): bounded columns, NUL-terminated fields */
		if (c.nfields < 1 || c.nfields > AGENT_CSV_MAX_FIELDS || c.row_line > c.line)
			abort();
		for (size_t i = 0; i < c.nfields; i++) {
			const unsigned char *p = (const unsigned char *)c.fields[i];
			size_t n = strlen(c.fields[i]);

			if (n > AGENT_CSV_MAX_FIELD)
				abort();
			while (*p)
				(void)agent_utf8_next(&p);
		}
	}
	agent_csv_release(&c);
	return 0;
}
