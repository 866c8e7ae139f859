/*
 * uihousehold.h - the household the tests of its page look at, recorded
 * by the real CLI (uitest.h) in a fresh store: "Lâm Thị Hoa" of hamlet
 * "Ấp 3" with every field given, surveyed on 20/06/2023 with two photos
 * (tests/support/photo_gen.c makes them), approved on 25/06/2023, a photo
 * of the house itself, a gift of 25.000.000 đ from a donor and the family's
 * labour, the labour voided by the CLI ("ghi nhầm").
 */
#ifndef MAIAM_UIHOUSEHOLD_H
#define MAIAM_UIHOUSEHOLD_H

#include <stddef.h>
#include "uitest.h"

typedef struct ui_household {
	char ref[32];      /* the household's short reference */
	char surveyed[32]; /* the milestones' */
	char approved[32];
	char gift[32];      /* the contributions' */
	char labour[32];    /* voided */
	char photo_hex[65]; /* one of the milestone's photos (SHA-256) */
} ui_household;

void ui_store_household(ui_fixture *f, ui_household *h);
/* A JPEG of photo_gen's written as dir/name (seed picks the scene). */
void ui_photo_file(const char *dir, const char *name, unsigned seed);

#endif
