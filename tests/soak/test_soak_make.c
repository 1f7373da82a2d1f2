/*
 * `make soak`, the command the README gives, against its private stack:
 * a short run must leave make's exit status to the verdict (0 only on
 * PASSED; otherwise make's "Error N" names the tool's code, 1 FAILED or
 * 3 INCOMPLETE) and stop its stack cleanly.  Issue 9 found the clean-up
 * failing after the verdict ("dir: unbound variable"), so a PASSED run
 * ended in make error 1.
 *
 * Plain build only: it tests the scripts, and a sanitizer stack would
 * only make it slower.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <yajl/yajl_tree.h>

#include "harness.h"

static char *
slurp(const char *path)
{
	FILE	*fp;
	char	*buf;
	long	 n;

	if ((fp = fopen(path, "r")) == NULL)
		return (NULL);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	if (buf != NULL && fread(buf, 1, (size_t)n, fp) != (size_t)n)
		buf[0] = '\0';
	fclose(fp);
	return (buf);
}

/* The totals of the one report in dir, or NULL. */
static yajl_val
totals_in(const char *dir)
{
	struct dirent	*de;
	DIR		*d;
	yajl_val	 t = NULL;
	char		 path[1024], *text;
	size_t		 n;

	if ((d = opendir(dir)) == NULL)
		return (NULL);
	while ((de = readdir(d)) != NULL && t == NULL) {
		n = strlen(de->d_name);
		if (n > 12 && strcmp(de->d_name + n - 12, "-totals.json") == 0) {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			if ((text = slurp(path)) != NULL)
				t = yajl_tree_parse(text, NULL, 0);
			free(text);
		}
	}
	closedir(d);
	return (t);
}

static void
test_make_soak_exit_status_is_the_verdict(void **state)
{
	char		 reports[512], stack[512], log[600], root[512];
	char		 envr[600], envs[600], errline[64], *text;
	char		*argv[] = { "env", "-u", "MAKEFLAGS", "-u", "MFLAGS",
		    "-u", "MAKELEVEL", "make", "--no-print-directory", "-C",
		    root, "soak", "DURATION=20",
		    "SOAK_ARGS=--min-duration 20 --sample-interval 2 "
		    "--tablets 4 --sse-clients 0 --think 1:2 --work 1:3 "
		    "--settle-timeout 5 --no-plot", NULL };
	char		*env[] = { envr, envs, NULL };
	const char	*build = getenv("ZEUES_BUILD");
	yajl_val	 t, code;
	int		 status, rc;

	(void)state;
	if (build != NULL && strlen(build) >= 4 &&
	    strcmp(build + strlen(build) - 4, "/san") == 0) {
		print_message("skipped under the sanitizers (tests scripts)\n");
		skip();
	}
	snprintf(root, sizeof(root), "%s", getenv("ZEUES_ROOT") != NULL ?
	    getenv("ZEUES_ROOT") : ".");
	snprintf(reports, sizeof(reports), "%s/make-soak-reports",
	    harness_tmpdir());
	snprintf(stack, sizeof(stack), "%s/make-soak-stack", harness_tmpdir());
	mkdir(reports, 0700);
	snprintf(envr, sizeof(envr), "SOAK_REPORT_DIR=%s", reports);
	snprintf(envs, sizeof(envs), "SOAK_STACK_DIR=%s", stack);
	snprintf(log, sizeof(log), "%s/make-soak.log", harness_tmpdir());

	status = harness_wait_exit(harness_spawn(log, argv, env), 240000);
	text = slurp(log);
	assert_non_null(text);
	assert_true(status != -1 && WIFEXITED(status));
	rc = WEXITSTATUS(status);

	assert_non_null(t = totals_in(reports));
	code = jpath(t, "exit_code", NULL);
	assert_true(code != NULL && YAJL_IS_INTEGER(code));
	print_message("make soak exited %d; verdict %s (exit code %lld)\n",
	    rc, jpath_str(t, "verdict", NULL), YAJL_GET_INTEGER(code));

	/* The clean-up after the verdict ran without an error of its own. */
	assert_null(strstr(text, "unbound variable"));
	if (YAJL_GET_INTEGER(code) == 0) {
		assert_int_equal(rc, 0);
	} else {
		/* make's own status is 2; its message carries the tool's. */
		assert_int_equal(rc, 2);
		snprintf(errline, sizeof(errline), "soak] Error %lld\n",
		    YAJL_GET_INTEGER(code));
		if (strstr(text, errline) == NULL)
			fail_msg("no \"%s\" in %s", errline, log);
	}
	free(text);
	yajl_tree_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_make_soak_exit_status_is_the_verdict),
	};

	return (cmocka_run_group_tests_name("soak_make", tests, NULL, NULL));
}
