/*
 * testmain.h - the main() of a cmocka test file, written once:
 *
 *   TEST_MAIN(cmocka_unit_test(parses_a_row), cmocka_unit_test(refuses_a_bom))
 *
 * runs the tests in order and exits with the number that failed;
 *
 *   TEST_MAIN_WITH(group_setup, group_teardown, cmocka_unit_test(...), ...)
 *
 * does the same inside a group fixture (setup before the first test,
 * teardown after the last). Include after <cmocka.h>; header-only, so any
 * test directory can use it.
 */
#ifndef MAIAM_TESTMAIN_H
#define MAIAM_TESTMAIN_H

#define TEST_MAIN_WITH(setup, teardown, ...) \
	int main(void) \
	{ \
		const struct CMUnitTest tests[] = { __VA_ARGS__ }; \
		return cmocka_run_group_tests(tests, setup, teardown); \
	}

#define TEST_MAIN(...) TEST_MAIN_WITH(NULL, NULL, __VA_ARGS__)

#endif
