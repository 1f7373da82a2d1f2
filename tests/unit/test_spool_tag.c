/*
 * Unit tests for lib/base/spool_tag.c: the one rule for a spool tag (issue 9),
 * its trimming, and the lock-key form: ASCII tags keep their old keys,
 * any other valid tag gets a key, and keys decode back to exactly the tag
 * (a random round trip), while keys nobody of ours wrote do not decode.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "nelem.h"
#include "redis_lock.h"
#include "sheet_table.h"
#include "sheets_codec.h"
#include "spool_tag.h"
#include "utf8.h"

static void
append(char *s, const char *piece, size_t size)
{
	size_t	n = strlen(s), m = strlen(piece);

	assert_true(n + m < size);
	memcpy(s + n, piece, m + 1);
}

static int
valid(const char *s)
{
	return (spool_tag_valid(s, strlen(s)));
}

static void
test_rule(void **state)
{
	static const char *const good[] = {
		"MK-1335-CW-25238-011", "MK BAD TAG", "MK-ÑANDÚ-1", "A",
		"a%b", "x{y}z", "\xef\xbf\xbd", "日本-1", "MK  DOS",
		"0123456789012345678901234567890123456789012345678901234567890123",
	};
	static const char *const bad[] = {
		"", " ", " A", "A ", "\tA", "A\t", "A\tB", "A\nB", "A\x7f",
		"A\xc2\x85", "A\xc0\xaf", "\xed\xb0\x80X", "\xf4\x90\x80\x80",
		"A\xff",
		"01234567890123456789012345678901234567890123456789012345678901234",
	};
	char	buf[200];
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(good); i++)
		assert_true(valid(good[i]));
	for (i = 0; i < NELEM(bad); i++)
		assert_false(valid(bad[i]));
	assert_false(spool_tag_valid("A\0B", 3));

	/* 64 characters however many bytes; the 65th is one too many. */
	buf[0] = '\0';
	for (i = 0; i < 64; i++)
		append(buf, "Ñ", sizeof(buf));
	assert_true(valid(buf));
	append(buf, "A", sizeof(buf));
	assert_false(valid(buf));
}

static void
test_canon(void **state)
{
	char	out[SPOOL_TAG_MAX + 1];

	(void)state;
	assert_int_equal(spool_tag_canon(" \tMK BAD TAG \t", 14, out,
	    sizeof(out)), 0);
	assert_string_equal(out, "MK BAD TAG");
	assert_int_equal(spool_tag_canon("MK-1", 4, out, sizeof(out)), 0);
	assert_string_equal(out, "MK-1");
	assert_int_equal(spool_tag_canon("  ", 2, out, sizeof(out)), -1);
	assert_string_equal(out, "");
	assert_int_equal(spool_tag_canon("A\x01", 2, out, sizeof(out)), -1);
	/* Bounded by len: what follows is not read. */
	assert_int_equal(spool_tag_canon("MK-1 trailing", 5, out, sizeof(out)),
	    0);
	assert_string_equal(out, "MK-1");
	assert_int_equal(spool_tag_canon("MK-12", 5, out, 5), -1);
}

/* A tag the sheet lookup finds as requests name it. */
static void
test_same_trim_as_lookup(void **state)
{
	struct sheets_value_range	 vr;
	struct sheets_value_row		 rows[2];
	struct sheet_table		*t;
	char				*h[] = { strdup("TAG_SPOOL") };
	char				*c[] = { strdup(" \tMK BAD TAG  ") };
	char				 tag[SPOOL_TAG_MAX + 1];

	(void)state;
	rows[0].cells = malloc(sizeof(char *));
	rows[0].cells[0] = h[0];
	rows[0].ncells = 1;
	rows[1].cells = malloc(sizeof(char *));
	rows[1].cells[0] = c[0];
	rows[1].ncells = 1;
	memset(&vr, 0, sizeof(vr));
	vr.rows = malloc(sizeof(rows));
	memcpy(vr.rows, rows, sizeof(rows));
	vr.nrows = 2;
	assert_non_null(t = sheet_table_new(&vr));
	assert_int_equal(sheet_table_index(t, "TAG_SPOOL"), 0);
	assert_int_equal(spool_tag_canon("MK BAD TAG\t", 11, tag, sizeof(tag)),
	    0);
	assert_int_equal(sheet_table_find(t, tag), 0);
	assert_int_equal(spool_tag_canon(sheet_table_cell(t, 0, 0),
	    strlen(sheet_table_cell(t, 0, 0)), tag, sizeof(tag)), 0);
	assert_string_equal(tag, "MK BAD TAG");
	sheet_table_free(t);
}

static void
test_keys(void **state)
{
	static const struct {
		const char	*tag;
		const char	*key;
	} cases[] = {
		/* What the old backend and existing locks have. */
		{ "MK-1335-CW-25238-011", "spool_lock:MK-1335-CW-25238-011" },
		{ "A_b.c~d!e(f)[g]{h}*?:'\"/\\#", "spool_lock:"
		    "A_b.c~d!e(f)[g]{h}*?:'\"/\\#" },
		{ "MK BAD TAG", "spool_lock:MK%20BAD%20TAG" },
		{ "MK-ÑANDÚ-1", "spool_lock:MK-%C3%91AND%C3%9A-1" },
		{ "50%", "spool_lock:50%25" },
	};
	char	key[LOCK_KEY_MAX], tag[SPOOL_TAG_MAX + 1];
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		assert_int_equal(lock_key(key, sizeof(key), cases[i].tag), 0);
		assert_string_equal(key, cases[i].key);
		assert_int_equal(lock_key_tag(key, strlen(key), tag,
		    sizeof(tag)), 0);
		assert_string_equal(tag, cases[i].tag);
	}
	/* The longest key there can be fits. */
	tag[0] = '\0';
	for (i = 0; i < SPOOL_TAG_CHARS; i++)
		append(tag, "\xf0\x9f\x94\xa7", sizeof(tag));
	assert_int_equal(lock_key(key, sizeof(key), tag), 0);
	assert_int_equal(strlen(key), sizeof(LOCK_KEY_PREFIX) - 1 +
	    SPOOL_TAG_ENCODED_MAX);

	/* Only what the encoder writes decodes. */
	assert_int_equal(lock_key(key, sizeof(key), " A"), -1);
	assert_int_equal(lock_key(key, sizeof(key), ""), -1);
	assert_int_equal(lock_key_tag("spool_lock:MK BAD", 17, tag,
	    sizeof(tag)), -1);
	assert_int_equal(lock_key_tag("spool_lock:%41", 14, tag, sizeof(tag)),
	    -1);
	assert_int_equal(lock_key_tag("spool_lock:%c3%91", 17, tag,
	    sizeof(tag)), -1);
	assert_int_equal(lock_key_tag("spool_lock:%C3", 14, tag, sizeof(tag)),
	    -1);
	assert_int_equal(lock_key_tag("spool_lock:%2", 13, tag, sizeof(tag)),
	    -1);
	assert_int_equal(lock_key_tag("spool_lock:%20A", 15, tag,
	    sizeof(tag)), -1);
	assert_int_equal(lock_key_tag("spool_lock:", 11, tag, sizeof(tag)),
	    -1);
	assert_int_equal(lock_key_tag("other:A", 7, tag, sizeof(tag)), -1);
	assert_int_equal(lock_key_tag("spool_lock:A%00", 15, tag, sizeof(tag)),
	    -1);
}

static uint32_t	rng = 2463534242u;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return (rng % n);
}

/*
 * Random byte strings: each valid one has a key that fits LOCK_KEY_MAX
 * and decodes back to it; each invalid one has none.
 */
static void
test_round_trip(void **state)
{
	static const char *const pieces[] = {
		"A", "z", "-", " ", "%", "Ñ", "Ú", "日", "\xf0\x9f\x94\xa7",
		"\t", "\x7f", "\xc0\xaf", "\xed\xa0\x80", "\xff", "\xc3", "~",
	};
	char	s[600], key[LOCK_KEY_MAX], back[SPOOL_TAG_MAX + 1];
	size_t	i, n, valid_n = 0;

	(void)state;
	for (i = 0; i < 50000; i++) {
		s[0] = '\0';
		n = 1 + rnd(rnd(8) == 0 ? 80 : 12);
		while (n-- > 0)
			append(s, pieces[rnd(NELEM(pieces))], sizeof(s));
		if (!valid(s)) {
			assert_int_equal(lock_key(key, sizeof(key), s), -1);
			continue;
		}
		valid_n++;
		assert_true(utf8_valid(s, strlen(s)));
		assert_int_equal(lock_key(key, sizeof(key), s), 0);
		assert_int_equal(lock_key_tag(key, strlen(key), back,
		    sizeof(back)), 0);
		assert_string_equal(back, s);
	}
	assert_true(valid_n > 5000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule),
		cmocka_unit_test(test_canon),
		cmocka_unit_test(test_same_trim_as_lookup),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_round_trip),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
