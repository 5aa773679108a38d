/* log.h - one line per event on standard error.
 *
 * Lines are "TIME LEVEL component: message"; control bytes in a message
 * are written as '?', so one call is one line. Secrets (passwords, tokens,
 * cookies) must never be passed here.
 */
#ifndef TANDEM_BASE_LOG_H
#define TANDEM_BASE_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level level);
void log_msg(enum log_level level, const char *component, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_info(c, ...) log_msg(LOG_INFO, c, __VA_ARGS__)
#define log_warn(c, ...) log_msg(LOG_WARN, c, __VA_ARGS__)
#define log_error(c, ...) log_msg(LOG_ERROR, c, __VA_ARGS__)

#endif
