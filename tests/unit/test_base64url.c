/*
 * Unit tests for lib/base/base64url.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base64url.h"
#include "nelem.h"

/* RFC 4648 section 10, padding removed. */
static const struct {
	const char	*raw;
	const char	*enc;
} vectors[] = {
	{ "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" },
	{ "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" }, { "foobar", "Zm9vYmFy" },
};

static void
test_rfc4648_vectors(void **state)
{
	char	enc[16];
	char	dec[16];
	size_t	i, rawlen;

	(void)state;
	for (i = 0; i < NELEM(vectors); i++) {
		rawlen = strlen(vectors[i].raw);
		assert_int_equal(BASE64URL_ENCODED_LEN(rawlen),
		    strlen(vectors[i].enc));
		assert_int_equal(base64url_encode(vectors[i].raw, rawlen, enc,
		    sizeof(enc)), strlen(vectors[i].enc));
		assert_string_equal(enc, vectors[i].enc);
		assert_int_equal(base64url_decode(vectors[i].enc,
		    strlen(vectors[i].enc), dec, sizeof(dec)), rawlen);
		assert_memory_equal(dec, vectors[i].raw, rawlen);
	}
}

static void
test_url_alphabet(void **state)
{
	const unsigned char	raw[] = { 0xfb, 0xff, 0xbf };
	unsigned char		dec[4];
	char			enc[8];

	(void)state;
	/* Standard base64 would give "+/+/"; base64url must not. */
	assert_int_equal(base64url_encode(raw, sizeof(raw), enc, sizeof(enc)),
	    4);
	assert_string_equal(enc, "-_-_");
	assert_int_equal(base64url_decode("-_-_", 4, dec, sizeof(dec)), 3);
	assert_memory_equal(dec, raw, sizeof(raw));
}

static void
test_round_trip(void **state)
{
	unsigned char	raw[256], dec[256];
	char		enc[BASE64URL_ENCODED_LEN(256) + 1];
	size_t		len, i;
	long		n;

	(void)state;
	srandom(7);
	for (len = 0; len <= sizeof(raw); len++) {
		for (i = 0; i < len; i++)
			raw[i] = (unsigned char)random();
		n = base64url_encode(raw, len, enc, sizeof(enc));
		assert_int_equal(n, BASE64URL_ENCODED_LEN(len));
		assert_null(strchr(enc, '='));
		assert_int_equal(base64url_decode(enc, (size_t)n, dec,
		    sizeof(dec)), len);
		assert_memory_equal(dec, raw, len);
	}
}

static void
test_encode_space(void **state)
{
	char	enc[8];

	(void)state;
	/* "Zm9v" needs 5 bytes with the NUL. */
	assert_int_equal(base64url_encode("foo", 3, enc, 4), -1);
	assert_int_equal(base64url_encode("foo", 3, enc, 5), 4);
	assert_int_equal(base64url_encode("", 0, enc, 0), -1);
	assert_int_equal(base64url_encode("", 0, enc, 1), 0);
}

static void
test_decode_rejects(void **state)
{
	static const char *bad[] = {
		"Zg==",		/* padding */
		"Zm9v+",	/* standard alphabet */
		"Zm/v",
		"Z",		/* impossible length */
		"Zm9vY",
		"Zh",		/* non-zero unused bits */
		"Zm9",
		"Zm 9",
	};
	char	dec[16];
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(bad); i++) {
		if (base64url_decode(bad[i], strlen(bad[i]), dec,
		    sizeof(dec)) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
	}
	/* "Zm9vYmFy" decodes to 6 bytes. */
	assert_int_equal(base64url_decode("Zm9vYmFy", 8, dec, 5), -1);
	assert_int_equal(base64url_decode("Zm9vYmFy", 8, dec, 6), 6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4648_vectors),
		cmocka_unit_test(test_url_alphabet),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_encode_space),
		cmocka_unit_test(test_decode_rejects),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
