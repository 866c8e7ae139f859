/*
 * epoch.c - the ledger's epoch (epoch.h): made at init, at the first open
 * of an older hub.db and by every restore; read by every pull, which starts
 * a laptop of another epoch where the two ledgers still agree.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/rand.h>
#include "maiam/cli.h"
#include "epoch.h"
#include "store.h"

int hub_epoch_valid(const char *s)
{
	size_t i;

	if (!s)
		return 0;
	for (i = 0; i < HUB_EPOCH_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[i] == '\0';
}

/* One "EPOCH:ROW" or "EPOCH:-" entry of a history at *p, which moves past
 * it: 1 read (row -1 for "-"), 0 at the end, -1 malformed. */
static int next_entry(const char **p, char epoch[HUB_EPOCH_LEN + 1], int64_t *row)
{
	const char *s = *p, *end;
	char num[24];
	size_t n;

	while (*s == ' ')
		s++;
	if (!*s)
		return 0;
	end = strchr(s, ' ');
	if (!end)
		end = s + strlen(s);
	if (end - s < HUB_EPOCH_LEN + 2 || s[HUB_EPOCH_LEN] != ':')
		return -1;
	memcpy(epoch, s, HUB_EPOCH_LEN);
	epoch[HUB_EPOCH_LEN] = '\0';
	n = (size_t)(end - s) - HUB_EPOCH_LEN - 1;
	if (!hub_epoch_valid(epoch) || n >= sizeof(num))
		return -1;
	memcpy(num, s + HUB_EPOCH_LEN + 1, n);
	num[n] = '\0';
	if (strcmp(num, "-") == 0)
		*row = -1;
	else if (cli_parse_int(num, 0, INT64_MAX, row))
		return -1;
	*p = end;
	return 1;
}

int64_t hub_epoch_start(const char *history, const char *theirs, int64_t after)
{
	char epoch[HUB_EPOCH_LEN + 1];
	int64_t rows[HUB_EPOCHS_MAX + 1], start = after;
	const char *p = history ? history : "";
	int n = 0, mine = -1, r, i;

	if (!theirs || !*theirs)
		return after; /* an older agent: as before epochs */
	while (n <= HUB_EPOCHS_MAX && (r = next_entry(&p, epoch, &rows[n])) == 1) {
		if (strcmp(epoch, theirs) == 0)
			mine = n;
		n++;
	}
	if (n > 0 && mine == n - 1)
		return after; /* the current epoch: the laptop's cursor holds */
	if (mine < 0)
		return 0; /* not this ledger's history (or forgotten): all again */
	/* every restore since their epoch went back to its row: what is after
	 * the lowest of them may differ from what the laptop read */
	for (i = mine + 1; i < n; i++) {
		int64_t row = rows[i] < 0 ? 0 : rows[i];
		if (row < start)
			start = row;
	}
	return start;
}

hub_result hub_epoch_get(sqlite3 *db, char *out, char *hist, size_t histlen)
{
	char text[HUB_EPOCH_LEN + 1];
	bool found;
	hub_result rc;

	out[0] = '\0';
	if (hist && histlen)
		hist[0] = '\0';
	rc = hub_meta_get(db, HUB_META_EPOCH, text, sizeof(text), &found);
	if (rc != HUB_OK)
		return rc;
	if (!found || !hub_epoch_valid(text))
		return HUB_EDB;
	memcpy(out, text, sizeof(text));
	if (hist && histlen) {
		rc = hub_meta_get(db, HUB_META_EPOCHS, hist, histlen, &found);
		if (rc == HUB_OK && !found)
			snprintf(hist, histlen, "%s:-", out);
	}
	return rc;
}

hub_result hub_epoch_new(sqlite3 *db, int64_t restored_at)
{
	char old[HUB_EPOCHS_TEXT], hist[HUB_EPOCHS_TEXT], epoch[HUB_EPOCH_LEN + 1], row[24];
	const char *p;
	uint8_t raw[HUB_EPOCH_LEN / 2];
	int64_t ignored;
	bool found;
	hub_result rc;
	int n = 0, r;

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return HUB_ECRYPTO;
	proto_hex(raw, sizeof(raw), epoch);
	rc = hub_meta_get(db, HUB_META_EPOCHS, old, sizeof(old), &found);
	if (rc != HUB_OK)
		return rc;
	if (!found)
		old[0] = '\0';
	/* keep the newest HUB_EPOCHS_MAX - 1 and add this one; a history that
	 * does not read whole is not the hub's writing: it starts again here */
	for (p = old; (r = next_entry(&p, hist, &ignored)) == 1;)
		n++;
	if (r < 0)
		old[0] = '\0', n = 0;
	p = old;
	while (n-- >= HUB_EPOCHS_MAX && next_entry(&p, hist, &ignored) == 1)
		;
	while (*p == ' ')
		p++;
	if (restored_at < 0)
		snprintf(row, sizeof(row), "-");
	else
		snprintf(row, sizeof(row), "%" PRId64, restored_at);
	snprintf(hist, sizeof(hist), "%s%s%s:%s", p, *p ? " " : "", epoch, row);
	rc = hub_meta_set(db, HUB_META_EPOCH, epoch);
	if (rc == HUB_OK)
		rc = hub_meta_set(db, HUB_META_EPOCHS, hist);
	if (rc == HUB_OK && restored_at >= 0)
		rc = hub_meta_set(db, HUB_META_RESTORED_AT, row);
	return rc;
}

hub_result hub_epoch_ensure(sqlite3 *db)
{
	char text[HUB_EPOCH_LEN + 1];
	bool found;
	hub_result rc = hub_meta_get(db, HUB_META_EPOCH, text, sizeof(text), &found);

	if (rc != HUB_OK || found)
		return rc;
	return hub_epoch_new(db, -1);
}

hub_result hub_epoch_pull(sqlite3 *db, uint64_t agent, const char *theirs, int64_t *after, char *epoch,
			  uint64_t *acked)
{
	char hist[HUB_EPOCHS_TEXT];
	uint8_t hash[32];
	hub_result rc = hub_epoch_get(db, epoch, hist, sizeof(hist));

	*acked = 0;
	if (rc != HUB_OK)
		return rc;
	*after = hub_epoch_start(hist, theirs, *after);
	return hub_ledger_head(db, agent, acked, hash);
}
