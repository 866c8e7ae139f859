/*
 * audit_photos.h - the photo part of maiam-hub audit verify: every stored
 * photo (a row of hub_photo) is read back from photos/XX/<hex> and hashed
 * again; its file must be there, its SHA-256 must be its name, its size must
 * be its row's and the size an accepted photo record gives that hash. What
 * does not hold is reported through the caller's function, one finding a
 * call, with a format marked N_() (the caller translates it or not).
 */
#ifndef HUB_AUDIT_PHOTOS_H
#define HUB_AUDIT_PHOTOS_H

#include <stddef.h>
#include "ctx.h"
#include "result.h"

typedef void (*hub_audit_report)(void *arg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Re-hash the photos ctx's hub.db says it stores (read inside the caller's
 * snapshot): *checked counts them; every mismatch goes to report(arg, ...).
 * HUB_OK, HUB_EDB (hub.db could not be read) or HUB_ENOMEM.
 */
hub_result hub_audit_photos(const hub_ctx *ctx, hub_audit_report report, void *arg, size_t *checked);

#endif
