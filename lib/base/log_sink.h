/*
 * Where a module of lib/ writes its log lines: the host's logger behind a
 * callback, so the module needs neither Kore nor the host's settings.  The
 * server passes zlog() (which filters by LOG_LEVEL); a test may count or
 * print the lines, or pass no callback to drop them.
 */
#ifndef ZEUES_LOG_SINK_H
#define ZEUES_LOG_SINK_H

#include <stdarg.h>

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARNING,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

typedef void	log_sink_fn(void *arg, enum log_level, const char *line);

struct log_sink {
	log_sink_fn	*fn;		/* NULL: lines are dropped */
	void		*arg;
};

/* Formats one line (up to 511 bytes) and hands it to the sink. */
void	log_sink_printf(const struct log_sink *, enum log_level,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void	log_sink_vprintf(const struct log_sink *, enum log_level,
	    const char *fmt, va_list) __attribute__((format(printf, 3, 0)));

#endif
