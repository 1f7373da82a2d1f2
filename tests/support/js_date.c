#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>

#include "harness.h"
#include "js_date.h"

#define NODE	"/usr/bin/node"

/* Reads a JSON array of strings from argv[1]; one line per string. */
static const char	script[] =
    "const a = JSON.parse(require('fs').readFileSync(process.argv[1], "
    "'utf8'));"
    "for (const s of a) { const t = new Date(s).getTime();"
    " console.log(Number.isNaN(t) ? 'NaN' : String(t)); }";

static int
write_strings(const char *path, const char *const *s, size_t n)
{
	const unsigned char	*buf;
	yajl_gen		 g;
	size_t			 len, i;
	FILE			*f;
	int			 rc = -1;

	if ((g = yajl_gen_alloc(NULL)) == NULL)
		return (-1);
	yajl_gen_array_open(g);
	for (i = 0; i < n; i++)
		yajl_gen_string(g, (const unsigned char *)s[i], strlen(s[i]));
	yajl_gen_array_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok &&
	    (f = fopen(path, "w")) != NULL) {
		rc = fwrite(buf, 1, len, f) == len ? 0 : -1;
		if (fclose(f) != 0)
			rc = -1;
	}
	yajl_gen_free(g);
	return (rc);
}

int
js_date_parse(const char *const *s, size_t n, double *ms)
{
	char	path[600], cmd[1400], line[64];
	FILE	*p;
	size_t	i = 0;
	int	rc;

	if (n == 0)
		return (0);
	snprintf(path, sizeof(path), "%s/js-dates-%d.json", harness_tmpdir(),
	    (int)getpid());
	if (write_strings(path, s, n) == -1)
		return (-1);
	snprintf(cmd, sizeof(cmd), "TZ=%s %s -e \"%s\" '%s'", JS_DATE_TZ, NODE,
	    script, path);
	if ((p = popen(cmd, "r")) == NULL)
		return (-1);
	while (i < n && fgets(line, sizeof(line), p) != NULL)
		ms[i++] = strncmp(line, "NaN", 3) == 0 ? NAN :
		    strtod(line, NULL);
	rc = pclose(p);
	unlink(path);
	return (rc == 0 && i == n ? 0 : -1);
}

static int
digits(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return (0);
	return (1);
}

int
js_date_is_iso_offset(const char *s)
{
	/* YYYY-MM-DDTHH:MM:SS */
	if (strlen(s) < 20 || !digits(s, 4) || s[4] != '-' ||
	    !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2) ||
	    s[10] != 'T' || !digits(s + 11, 2) || s[13] != ':' ||
	    !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
		return (0);
	s += 19;
	if (*s == '.') {
		for (s++; isdigit((unsigned char)*s); s++)
			;
	}
	if (strcmp(s, "Z") == 0)
		return (1);
	return ((s[0] == '+' || s[0] == '-') && digits(s + 1, 2) &&
	    s[3] == ':' && digits(s + 4, 2) && s[6] == '\0');
}

long long
js_date_sheet_epoch(const char *s)
{
	struct tm	 tm;
	const char	*old = getenv("TZ");
	char		 saved[128] = "";
	time_t		 t;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%2d-%2d-%4d %2d:%2d:%2d", &tm.tm_mday, &tm.tm_mon,
	    &tm.tm_year, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return (-1);
	tm.tm_mon -= 1;
	tm.tm_year -= 1900;
	tm.tm_isdst = -1;
	if (old != NULL)
		snprintf(saved, sizeof(saved), "%s", old);
	setenv("TZ", JS_DATE_TZ, 1);
	tzset();
	t = mktime(&tm);
	if (old != NULL)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	return (t == (time_t)-1 ? -1 : (long long)t);
}
