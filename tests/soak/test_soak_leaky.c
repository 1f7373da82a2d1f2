/*
 * The soak's verdict can fail (issue 6, done-means 2): a server built with
 * the old defect (make's leaky build: one Redis connection per request,
 * never closed) is soaked for 30 s, and the verdict must be FAILED on
 * connection growth and on utilization.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

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
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n)
		buf[0] = '\0';
	fclose(fp);
	return (buf);
}

/* The result of the named criterion in the totals' verdict. */
static const char *
criterion(yajl_val t, const char *name)
{
	yajl_val	list = jpath(t, "criteria", NULL);
	size_t		i;

	for (i = 0; list != NULL && YAJL_IS_ARRAY(list) &&
	    i < list->u.array.len; i++) {
		const char *n = jpath_str(list->u.array.values[i], "name",
		    NULL);

		if (n != NULL && strcmp(n, name) == 0)
			return (jpath_str(list->u.array.values[i], "state",
			    NULL));
	}
	return ("");
}

static void
test_leaky_server_fails_the_verdict(void **state)
{
	char		 dir[512], root[512], module[600], log[600];
	char		 path[1024], *text, *env[8], *argv[3], stack[600];
	const char	*build = getenv("ZEUES_BUILD");
	struct dirent	*de;
	DIR		*d;
	yajl_val	 t = NULL;
	int		 status;

	(void)state;
	snprintf(root, sizeof(root), "%s", getenv("ZEUES_ROOT") != NULL ?
	    getenv("ZEUES_ROOT") : ".");
	snprintf(dir, sizeof(dir), "%s/leaky-reports", harness_tmpdir());
	mkdir(dir, 0700);
	snprintf(module, sizeof(module), "SOAK_MODULE=%s/leaky/zeues.so",
	    build != NULL ? build : "build");
	snprintf(path, sizeof(path), "SOAK_REPORT_DIR=%s", dir);
	env[0] = module;
	env[1] = path;
	env[2] = "DURATION=30";
	env[3] = "SOAK_ARGS=--min-duration 30 --sample-interval 2 "
	    "--tablets 5 --sse-clients 2 --think 1:2 --work 1:3 "
	    "--settle-timeout 5";
	/* The stack under the test's folder, where make test checks it. */
	snprintf(stack, sizeof(stack), "SOAK_STACK_DIR=%s/leaky-stack",
	    harness_tmpdir());
	env[4] = stack;
	env[5] = NULL;
	snprintf(log, sizeof(log), "%s/soak.log", dir);
	{
		char	script[600];

		snprintf(script, sizeof(script), "%s/scripts/soak", root);
		argv[0] = script;
		argv[1] = "run";
		argv[2] = NULL;
		status = harness_wait_exit(harness_spawn(log, argv, env),
		    180000);
	}
	assert_true(WIFEXITED(status));
	print_message("soak of the leaking build exited %d\n",
	    WEXITSTATUS(status));
	assert_int_equal(WEXITSTATUS(status), 1);	/* a failed verdict */

	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL && t == NULL) {
		size_t n = strlen(de->d_name);

		if (n > 12 && strcmp(de->d_name + n - 12, "-totals.json") == 0) {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			text = slurp(path);
			t = yajl_tree_parse(text, NULL, 0);
			free(text);
		}
	}
	closedir(d);
	assert_non_null(t);
	assert_string_equal(jpath_str(t, "verdict", NULL), "FAILED");
	assert_string_equal(criterion(t, "no connection growth"), "FAIL");
	yajl_tree_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leaky_server_fails_the_verdict),
	};

	return (cmocka_run_group_tests_name("soak_leaky", tests, NULL, NULL));
}
