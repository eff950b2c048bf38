/* The supervisor's handlers, one per kind of routed call (route.h). */
#ifndef CAPSICUM_SUPERVISOR_SERVE_H
#define CAPSICUM_SUPERVISOR_SERVE_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/seccomp.h>

#include "../internal.h"
#include "target.h"

struct reply {
	bool done;    /* answered already */
	bool cont;    /* let the kernel run the call: decided on registers only */
	bool refused; /* a refusal of capsicum(1)'s (paths.h), whatever the error */
	int64_t val;
	int error; /* positive errno, or 0 */
};

CAPSICUM_HIDDEN void serve_lookup(struct target *t, const struct seccomp_data *d, struct reply *r);
/* serve_lookup() for d, which stands for the program's call shown_nr (paths_legacy()). */
CAPSICUM_HIDDEN void lookup_as(struct target *t, const struct seccomp_data *d, int shown_nr,
                               struct reply *r);
CAPSICUM_HIDDEN void serve_signal(struct target *t, const struct seccomp_data *d, struct reply *r);
CAPSICUM_HIDDEN void serve_ctl(struct target *t, const struct seccomp_data *d, struct reply *r);
CAPSICUM_HIDDEN void serve_copy(struct target *t, const struct seccomp_data *d, struct reply *r);
CAPSICUM_HIDDEN void serve_send(struct target *t, const struct seccomp_data *d, struct reply *r);
CAPSICUM_HIDDEN void serve_redeem(struct target *t, const struct seccomp_data *d, struct reply *r);
CAPSICUM_HIDDEN void serve_exec(struct target *t, const struct seccomp_data *d, struct reply *r);
CAPSICUM_HIDDEN void serve_exec_empty(struct target *t, struct reply *r);
CAPSICUM_HIDDEN void serve_exec_pin(struct target *t, const struct seccomp_data *d,
                                    struct reply *r);
CAPSICUM_HIDDEN void serve_sockat(struct target *t, const struct seccomp_data *d, struct reply *r);
CAPSICUM_HIDDEN void serve_slow(struct target *t, const struct seccomp_data *d, struct reply *r);

/* Answer one notification. */
CAPSICUM_HIDDEN void serve(int lfd, const struct seccomp_notif *req,
                           struct seccomp_notif_resp *resp);

#endif
