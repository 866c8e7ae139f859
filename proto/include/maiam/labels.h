/*
 * labels.h - the Vietnamese labels of every value list (category, land
 * status, support kind, review status, stage, source). Codes stay the wire
 * and JSON values; labels are what people read and may type, with or
 * without diacritics, in any case ("Hộ nghèo", "ho ngheo").
 *
 * proto carries the campaign glossary's labels built in; a campaign file may
 * restate or change them in its [labels] section (docs/CAMPAIGN.md), which
 * proto_campaign_load checks and keeps in proto_campaign.labels. Every
 * function takes a const proto_labels * that may be NULL: the built-in
 * labels.
 *
 * Ownership: a proto_labels owns its strings (proto_labels_release); the
 * strings returned by the lookups are borrowed from it or from static data
 * and live as long as it does.
 */
#ifndef MAIAM_LABELS_H
#define MAIAM_LABELS_H

#include <stddef.h>
#include <stdint.h>

typedef enum proto_list {
	PROTO_LIST_CATEGORY,      /* household category (Diện hộ) */
	PROTO_LIST_LAND_STATUS,   /* Tình trạng đất */
	PROTO_LIST_SUPPORT_KIND,  /* Hình thức hỗ trợ */
	PROTO_LIST_REVIEW_STATUS, /* the hub's review (Xác nhận của tỉnh) */
	PROTO_LIST_STAGE,         /* milestone stage (Tiến độ) */
	PROTO_LIST_SOURCE,        /* contribution source (Nguồn đóng góp) */
	PROTO_LIST_N
} proto_list;

#define PROTO_LIST_MAX_CODES 8 /* the longest list (stages) */
#define PROTO_LABEL_MAX 64     /* bytes of one label */

typedef struct proto_labels {
	/* label[list][i] names code proto_list_codes(list)[i]; NULL: built in */
	char *label[PROTO_LIST_N][PROTO_LIST_MAX_CODES];
} proto_labels;

/* "category", "land_status", "support_kind", "review_status", "stage",
 * "source": the list's key in a campaign's [labels]; NULL if out of range. */
const char *proto_list_name(proto_list list);
/* The codes of a list in order (NULL-terminated; the rulebook's enum). */
const char *const *proto_list_codes(proto_list list);
/* The list of an enum field (kind, field): 1 and *out set, 0 if the field
 * has no value list. */
int proto_list_of(uint8_t kind, uint8_t field, proto_list *out);

/* The Vietnamese label of code in list, or NULL if code is not one of it. */
const char *proto_label(const proto_labels *labels, proto_list list, const char *code);
/*
 * The code a person meant: a code in any case with '-' or ' ' for '_'
 * ("Near-poor"), or a label with or without diacritics and its ',' '.' ';',
 * in any case, spaces squeezed ("HỘ NGHÈO", "ho ngheo", "khởi công",
 * "dat thue muon"). The returned code is the
 * list's own static string; NULL if typed names none (or on no memory).
 */
const char *proto_label_code(const proto_labels *labels, proto_list list, const char *typed);
/* The list's labels joined with ", " (for "use one of ..." messages), cut to fit n. */
void proto_label_all(const proto_labels *labels, proto_list list, char *out, size_t n);

void proto_labels_release(proto_labels *labels);

#endif
