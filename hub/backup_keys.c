/*
 * backup_keys.c - the hub's key files sealed with the backup's passphrase
 * (backup.h), by proto's sealing (maiam/backupfile.h); here only what the
 * operator reads of a failure.
 */
#include <stdio.h>
#include "maiam/backupfile.h"
#include "backup.h"
#include "i18n.h"

hub_result hub_backup_seal_key(const char *passphrase, const char *name, const uint8_t *plain,
			       size_t len, proto_buf *out, char *err, size_t errlen)
{
	proto_result r = proto_passphrase_seal(passphrase, name, plain, len, out);

	if (r == PROTO_OK)
		return HUB_OK;
	if (r == PROTO_ENOMEM) {
		snprintf(err, errlen, _("out of memory sealing '%s'"), name);
		return HUB_ENOMEM;
	}
	snprintf(err, errlen, _("cannot seal '%s' with the passphrase (OpenSSL failed)"), name);
	return HUB_ECRYPTO;
}

hub_result hub_backup_open_key(const char *passphrase, const char *name, const uint8_t *sealed,
			       size_t len, proto_buf *out, char *err, size_t errlen)
{
	proto_result r = proto_passphrase_open(passphrase, name, sealed, len, out);

	if (r == PROTO_OK)
		return HUB_OK;
	if (r == PROTO_ENOMEM) {
		snprintf(err, errlen, _("out of memory opening '%s'"), name);
		return HUB_ENOMEM;
	}
	if (r == PROTO_EMAGIC)
		snprintf(err, errlen, _("the backup's '%s' is not a sealed key"), name);
	else
		snprintf(err, errlen,
			 _("the passphrase does not open the backup's keys: give the passphrase"
			   " the backup was made with"));
	return HUB_REFUSED;
}
