/*
 * What the Casper service tests share (with tests/harness.h for Check):
 * a channel to a service, capability mode, and raw requests -- nvlists a
 * test builds by hand, as a client that does not use the library would.
 */
#ifndef CASPER_TESTS_CASPER_TEST_H
#define CASPER_TESTS_CASPER_TEST_H

#include <errno.h>
#include <string.h>

#include <check.h>
#include <libcasper.h>
#include <sys/capsicum.h>
#include <sys/nv.h>

/* A channel to the service name, through a Casper process closed again. */
static inline cap_channel_t *open_service(const char *name)
{
	cap_channel_t *casper = cap_init(), *chan;

	ck_assert_msg(casper != NULL, "cap_init: %s", strerror(errno));
	chan = cap_service_open(casper, name);
	ck_assert_msg(chan != NULL, "cap_service_open(%s): %s", name, strerror(errno));
	cap_close(casper);
	return chan;
}

/* Enters capability mode, and checks that it took. */
static inline void enter_capmode(void)
{
	unsigned mode = 0;

	ck_assert_int_eq(cap_enter(), 0);
	ck_assert_int_eq(cap_getmode(&mode), 0);
	ck_assert_uint_eq(mode, 1);
}

/* A raw request, string "cmd" (none when cmd is NULL) and nothing else yet. */
static inline nvlist_t *raw_request(const char *cmd)
{
	nvlist_t *nvl = nvlist_create(0);

	if (cmd != NULL)
		nvlist_add_string(nvl, "cmd", cmd);
	return nvl;
}

/*
 * Sends a raw request (consumed): the reply's "error", -1 when the
 * channel failed.  The reply goes to *replyp unless replyp is NULL
 * (NULL there when the channel failed).
 */
static inline int raw_call(cap_channel_t *chan, nvlist_t *nvl, nvlist_t **replyp)
{
	nvlist_t *reply = cap_xfer_nvlist(chan, nvl);
	int err;

	if (replyp != NULL)
		*replyp = NULL;
	if (reply == NULL)
		return -1;
	ck_assert_msg(nvlist_exists_number(reply, "error"), "a reply without \"error\"");
	err = (int)nvlist_get_number(reply, "error");
	if (replyp != NULL)
		*replyp = reply;
	else
		nvlist_destroy(reply);
	return err;
}

/* raw_call() without the reply: its "error", -1 when the channel failed. */
static inline int raw_error(cap_channel_t *chan, nvlist_t *nvl)
{
	return raw_call(chan, nvl, NULL);
}

#endif /* !CASPER_TESTS_CASPER_TEST_H */
