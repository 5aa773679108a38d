/* test_report.c - domain/report.c: the table's JSON and its RFC 4180 CSV
 * hold the same cells; text is quoted when it must be, reals unformatted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/report.h"

static void test_csv_quotes_text_and_writes_numbers_unformatted(void **state)
{
    (void)state;
    struct report r;
    report_init(&r, "demo", 7);
    struct report_table *t = report_table(&r, "rows", "Rows", "label:s,count:i,share:n");
    report_text(t, "plain");
    report_int(t, 1234567);
    report_real(t, 2.0 / 3);
    report_text(t, "a, \"quoted\"\nline");
    report_int(t, -1);
    report_null(t);
    report_text(t, "");
    report_int(t, 0);
    report_real(t, 0.1);
    assert_int_equal(report_rows(t), 3);
    buf b;
    buf_init(&b, 1 << 16);
    assert_int_equal(report_csv(t, &b), 0);
    assert_string_equal(b.data, "label,count,share\r\n"
                                "plain,1234567,0.6666666666666666\r\n"
                                "\"a, \"\"quoted\"\"\nline\",-1,\r\n"
                                ",0,0.1\r\n");
    buf_cleanup(&b);
    buf_init(&b, 10); /* over the cap: a failure, not a cut file taken as whole */
    assert_int_equal(report_csv(t, &b), -1);
    buf_cleanup(&b);

    json_t *j = report_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "report")), "demo");
    assert_int_equal(json_integer_value(json_object_get(j, "program_id")), 7);
    assert_true(json_is_null(json_object_get(j, "from")));
    json_t *tab = json_array_get(json_object_get(j, "tables"), 0);
    assert_string_equal(json_string_value(json_object_get(tab, "name")), "rows");
    json_t *cols = json_object_get(tab, "columns");
    assert_string_equal(json_string_value(json_object_get(json_array_get(cols, 1), "type")),
                        "integer");
    assert_string_equal(json_string_value(json_object_get(json_array_get(cols, 2), "type")),
                        "number");
    json_t *rows = json_object_get(tab, "rows");
    assert_int_equal(json_array_size(rows), 3);
    assert_true(json_real_value(json_array_get(json_array_get(rows, 0), 2)) == 2.0 / 3);
    assert_true(json_is_null(json_array_get(json_array_get(rows, 1), 2)));
    assert_string_equal(json_string_value(json_array_get(json_array_get(rows, 1), 0)),
                        "a, \"quoted\"\nline");
    json_decref(j);
    assert_ptr_equal(report_find(&r, "rows"), t);
    assert_null(report_find(&r, "other"));
    report_cleanup(&r);
    report_cleanup(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_quotes_text_and_writes_numbers_unformatted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
