/* A log line handed to the host's logger; see log_sink.h. */
#include <stdio.h>

#include "log_sink.h"

void
log_sink_vprintf(const struct log_sink *sink, enum log_level level,
    const char *fmt, va_list ap)
{
	char	line[512];

	if (sink == NULL || sink->fn == NULL)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	sink->fn(sink->arg, level, line);
}

void
log_sink_printf(const struct log_sink *sink, enum log_level level,
    const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_sink_vprintf(sink, level, fmt, ap);
	va_end(ap);
}
