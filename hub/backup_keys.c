/*
 * backup_keys.c - the hub's key files sealed with the backup's passphrase
 * (backup.h), by proto's sealing (maiam/backupfile.h); here only what the
 * operator reads of a failure.
 */
#include <stdio.h>
#include "maiam/backupfile.h"
#include "backup.h"
#include "i18n.h"

/* What the operator reads of r, sealing or opening name. */
static hub_result said(proto_result r, const char *name, char *err, size_t errlen)
{
	switch (r) {
	case PROTO_OK:
		return HUB_OK;
	case PROTO_ENOMEM:
		snprintf(err, errlen, _("out of memory sealing '%s'"), name);
		return HUB_ENOMEM;
	case PROTO_EMAGIC:
		snprintf(err, errlen, _("the backup's '%s' is not a sealed key"), name);
		return HUB_REFUSED;
	case PROTO_ESIGNATURE:
		snprintf(err, errlen,
			 _("the passphrase does not open the backup's keys: give the passphrase"
			   " the backup was made with"));
		return HUB_REFUSED;
	default:
		snprintf(err, errlen, _("cannot seal '%s' with the passphrase (OpenSSL failed)"), name);
		return HUB_ECRYPTO;
	}
}

hub_result hub_backup_seal_key(const char *passphrase, const char *name, const uint8_t *plain,
			       size_t len, proto_buf *out, char *err, size_t errlen)
{
	return said(proto_passphrase_seal(passphrase, name, plain, len, out), name, err, errlen);
}

hub_result hub_backup_open_key(const char *passphrase, const char *name, const uint8_t *sealed,
			       size_t len, proto_buf *out, char *err, size_t errlen)
{
	return said(proto_passphrase_open(passphrase, name, sealed, len, out), name, err, errlen);
}
