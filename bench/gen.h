/*
 * gen.h - deterministic generator of realistic campaign data for benchmarks:
 * Vietnamese (and Khmer-Vietnamese) names with diacritics, CCCD numbers,
 * hamlets of Sóc Trăng, milestones and contributions. Same seed, same data,
 * so figures from two runs describe the same bytes.
 */
#ifndef MAIAM_BENCH_GEN_H
#define MAIAM_BENCH_GEN_H

#include <stdint.h>
#include <stdio.h>

typedef struct gen_household {
	char ref[16];
	char name[96];
	char national_id[13];
	int commune;
	char hamlet[64];
	char address[128];
	int members;
	const char *category;
	const char *land_status;
	const char *condition;
	char phone[16];
	const char *note;
	const char *support_kind;
} gen_household;

typedef struct gen_rng {
	uint64_t s;
} gen_rng;

static inline uint64_t gen_next(gen_rng *r)
{
	/* splitmix64: tiny, fast, good enough for test data */
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline unsigned gen_pick(gen_rng *r, unsigned n)
{
	return (unsigned)(gen_next(r) % n);
}

static const char *const gen_surnames[] = {
	"Nguyễn", "Trần",  "Lê", "Phạm",  "Huỳnh", "Võ",  "Đặng", "Bùi",  "Đỗ",    "Hồ",
	"Ngô",    "Dương", "Lý", "Thạch", "Sơn",   "Lâm", "Kim",  "Danh", "Triệu", "Châu",
};
static const char *const gen_middles[] = { "Văn", "Thị", "Hữu", "Minh", "Thanh", "Ngọc", "Kim", "Quốc" };
static const char *const gen_givens[] = {
	"Ân",  "Bình",   "Cường", "Dũng", "Hùng", "Lan", "Mai", "Hoa", "Tuấn", "Sang",   "Phước",
	"Sóc", "Sà Rên", "Thươl", "Hiếu", "Nhỏ",  "Út",  "Tư",  "Đẹp", "Lợi",  "Phương", "Nghĩa",
};
static const char *const gen_hamlets[] = {
	"Ấp Phú Thành", "Ấp Trà Canh A", "Ấp Bưng Cốc", "Ấp Đại Nghĩa Thắng", "Ấp Prey Chóp",
	"Ấp Tân Lập",   "Ấp Hòa Đông",   "Ấp Kinh Mới", "Ấp Sóc Vồ",          "Ấp Phước Hòa",
};
static const char *const gen_categories[] = { "poor", "near_poor", "housing_hardship", "policy_family",
					      "other" };
/* the codes of proto/src/rules.c (land_statuses) */
static const char *const gen_land[] = { "certified", "uncertified", "family_land", "rented" };
static const char *const gen_conditions[] = { "dilapidated", "temporary", "leaking_roof", "collapsed" };
static const char *const gen_notes[] = {
	NULL, NULL, NULL, "Chủ hộ khuyết tật", "Gia đình chính sách", "Nhà tạm bợ, mái lá"
};
static const int gen_communes[] = { 31498, 31570, 31573, 31576, 31582, 31585, 31594 };

#define GEN_N(a) (sizeof(a) / sizeof((a)[0]))

static inline void gen_household_make(gen_rng *r, unsigned serial, gen_household *h)
{
	snprintf(h->ref, sizeof h->ref, "7KQ2-%u", serial);
	snprintf(h->name, sizeof h->name, "%s %s %s", gen_surnames[gen_pick(r, GEN_N(gen_surnames))],
		 gen_middles[gen_pick(r, GEN_N(gen_middles))], gen_givens[gen_pick(r, GEN_N(gen_givens))]);
	/* CCCD: 094 (Sóc Trăng) + century/sex digit + birth year + 6 digits */
	snprintf(h->national_id, sizeof h->national_id, "094%u%02u%06u", gen_pick(r, 4),
		 40 + gen_pick(r, 60), gen_pick(r, 1000000));
	h->commune = gen_communes[gen_pick(r, GEN_N(gen_communes))];
	snprintf(h->hamlet, sizeof h->hamlet, "%s", gen_hamlets[gen_pick(r, GEN_N(gen_hamlets))]);
	snprintf(h->address, sizeof h->address, "Tổ %u, %s", 1 + gen_pick(r, 20), h->hamlet);
	h->members = 1 + (int)gen_pick(r, 8);
	h->category = gen_categories[gen_pick(r, GEN_N(gen_categories))];
	h->land_status = gen_land[gen_pick(r, GEN_N(gen_land))];
	h->condition = gen_conditions[gen_pick(r, GEN_N(gen_conditions))];
	snprintf(h->phone, sizeof h->phone, "09%08u", gen_pick(r, 100000000));
	h->note = gen_notes[gen_pick(r, GEN_N(gen_notes))];
	h->support_kind = gen_pick(r, 5) ? "new_build" : "repair";
}

#endif
