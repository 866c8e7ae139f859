/*
 * campaign.h - a campaign is data: admin units, targets, dates, award rules.
 *
 * The admin units come from a CSV (data/soc-trang-units.csv: code,level,type,
 * name,parent_code); the campaign from a campaign file (docs/CAMPAIGN.md,
 * campaigns/soc-trang-2023.campaign). Loading checks everything and reports
 * the first problem as "FILE:LINE: what is wrong" in err, in the user's
 * language: the messages are proto's own gettext catalogue (PROTO_TEXTDOMAIN,
 * proto/po/vi.po), which the program binds beside its own (cli_i18n_init);
 * unbound, they stay English.
 *
 * Ownership: proto_units and proto_campaign own all their memory; release
 * them with proto_units_release / proto_campaign_release.
 */
#ifndef MAIAM_CAMPAIGN_H
#define MAIAM_CAMPAIGN_H

#include <stddef.h>
#include <stdint.h>
#include "labels.h"
#include "result.h"

/* The gettext domain of proto's messages: maiam-proto.mo, in the common
 * package, shared by maiam-hub and maiam-agent. */
#define PROTO_TEXTDOMAIN "maiam-proto"

typedef enum proto_unit_level {
	PROTO_UNIT_PROVINCE = 1,
	PROTO_UNIT_DISTRICT = 2,
	PROTO_UNIT_COMMUNE = 3,
} proto_unit_level;

typedef struct proto_unit {
	int code;
	proto_unit_level level;
	char *type; /* "Huyện", "Xã", ... */
	char *name; /* "Huyện Kế Sách" */
	int parent; /* 0 for the province */
} proto_unit;

typedef struct proto_units {
	size_t n;
	proto_unit *a; /* in file order */
} proto_units;

proto_result proto_units_load(const char *path, proto_units *out, char *err, size_t errlen);
const proto_unit *proto_units_find(const proto_units *u, int code);
/* The district a commune belongs to (or the district itself); 0 if unknown. */
int proto_units_district_of(const proto_units *u, int code);
void proto_units_release(proto_units *u);

/* One award rule range: assigned target in [lo, hi] (hi < 0: no upper bound). */
typedef struct proto_award_range {
	int lo;
	int hi;
	int count;
	char *text; /* the rule as written in the campaign file, for reports */
} proto_award_range;

typedef struct proto_award_rule {
	size_t n;
	proto_award_range *a; /* sorted, contiguous from 0, no gaps or overlaps */
} proto_award_rule;

typedef struct proto_target {
	int district;
	int houses;
} proto_target;

/* [report]: the final report's heading, text as the campaign file writes
 * it (docs/CAMPAIGN.md, "[report]"); every member NULL when the file has no
 * [report] section, superior and recipients NULL when not set. */
typedef struct proto_report_heading {
	char *issuing_body; /* "Công an tỉnh Sóc Trăng" */
	char *number;       /* what follows "Số: ", "…/BC-CAT" */
	char *place;        /* where it is signed, "Sóc Trăng" */
	char *signer;       /* the signer's title, "GIÁM ĐỐC" */
	char *superior;     /* the body above the issuer, "Bộ Công an" */
	char *recipients;   /* "Nơi nhận", separated by ';' */
} proto_report_heading;

typedef struct proto_campaign {
	char *id; /* [a-z0-9._-]{1,64}, goes into every change-set header */
	char *name;
	int province;
	char start[11];    /* YYYY-MM-DD, first day of the campaign */
	char deadline[11]; /* last day a house may be handed over on time */
	char report_due[11];
	proto_units units;
	size_t ntargets;
	proto_target *targets;
	int total_target;
	proto_award_rule collectives; /* per district, by assigned target */
	proto_award_rule individuals;
	int province_collectives; /* steering committee, departments, ... */
	int province_individuals;
	int working_group_individuals; /* working group + supervision team */
	proto_labels labels;           /* [labels]: NULL entries keep the built-in label */
	/* [evidence]: bit k set when a milestone of stage proto_stages[k] needs a
	 * photo (0: none does); days a photo may be taken from its milestone's
	 * date (0: not checked). */
	unsigned evidence_stages;
	int evidence_max_days;
	/* metres two photos of one household may be apart (0: not checked) */
	int evidence_max_distance_m;
	/* the province's box in 1e-7 degrees, as a photo record's lat and lon
	 * (proto/FORMAT.md); only when evidence_has_bounds. min < max. */
	int evidence_has_bounds;
	int32_t evidence_lat_min, evidence_lon_min, evidence_lat_max, evidence_lon_max;
	proto_report_heading report;
} proto_campaign;

/* Load and validate a campaign file; units path inside it is relative to the file. */
proto_result proto_campaign_load(const char *path, proto_campaign *out, char *err, size_t errlen);
void proto_campaign_release(proto_campaign *c);
/* The range of rule that applies to target (never NULL for a validated rule). */
const proto_award_range *proto_award_lookup(const proto_award_rule *rule, int target);
/* The district's target, or -1 if the district has none. */
int proto_campaign_target(const proto_campaign *c, int district);

#endif
