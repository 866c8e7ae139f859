/*
 * test_fold.c - proto_fold, behind the agent's "household find" and every
 * label typed without diacritics: case, every Vietnamese tone and vowel
 * mark, đ/Đ, decomposed input, spaces, and invalid UTF-8.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "../support/testmain.h"
#include "maiam/text.h"

static void check(const char *in, const char *want)
{
	char *got = proto_fold(in);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void names(void **state)
{
	check("Nguyễn Văn Ân", "nguyen van an");
	check("ĐẶNG THỊ ĐÀO", "dang thi dao");
	check("Lý Hữu Phước", "ly huu phuoc");
	check("Trần  Thị\tỞ ", "tran thi o");
	check("  Huỳnh Ỷ", "huynh y");
}

static void every_vowel(void **state)
{
	check("àáảãạăằắẳẵặâầấẩẫậ", "aaaaaaaaaaaaaaaaa");
	check("ÈÉẺẼẸÊỀẾỂỄỆ", "eeeeeeeeeee");
	check("ìíỉĩịÌÍỈĨỊ", "iiiiiiiiii");
	check("òóỏõọôồốổỗộơờớởỡợ", "ooooooooooooooooo");
	check("ùúủũụưừứửữựỲÝỶỸỴ", "uuuuuuuuuuuyyyyy");
}

static void decomposed(void **state)
{
	/* "Ân" as A + combining circumflex + n, "ễ" as e + U+0302 + U+0303 */
	check("A\xcc\x82n Nguye\xcc\x82\xcc\x83n", "an nguyen");
}

static void hostile(void **state)
{
	check("ab\xff\xfe"
	      "c",
	      "ab??c");
	check("\xe1\xba", "??"); /* cut sequence */
	check("", "");
	check("日本", "日本"); /* other scripts pass through */
}

TEST_MAIN(cmocka_unit_test(names), cmocka_unit_test(every_vowel), cmocka_unit_test(decomposed),
	  cmocka_unit_test(hostile))
