/*
 * testmain.h - the main() of a cmocka test file whose tests need no group
 * fixture, written once:
 *
 *   TEST_MAIN(cmocka_unit_test(parses_a_row), cmocka_unit_test(refuses_a_bom))
 *
 * runs them in order and exits with the number that failed. Include after
 * <cmocka.h>; header-only, so any test directory can use it.
 */
#ifndef MAIAM_TESTMAIN_H
#define MAIAM_TESTMAIN_H

#define TEST_MAIN(...)                                                 \
	int main(void)                                                 \
	{                                                              \
		const struct CMUnitTest tests[] = { __VA_ARGS__ };     \
		return cmocka_run_group_tests(tests, NULL, NULL);      \
	}

#endif
