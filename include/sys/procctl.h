/*
 * procctl(2), as far as Capsicum needs it: PROC_TRAPCAP_CTL and
 * PROC_TRAPCAP_STATUS, with FreeBSD's values.  Other commands fail with
 * EINVAL.  See procctl(2) of libcapsicum.
 */
#ifndef _SYS_PROCCTL_H_
#define _SYS_PROCCTL_H_

#include <sys/types.h>
#include <sys/wait.h> /* idtype_t, P_PID, P_PGID */

#define PROC_TRAPCAP_CTL    9
#define PROC_TRAPCAP_STATUS 10

#define PROC_TRAPCAP_CTL_ENABLE  1
#define PROC_TRAPCAP_CTL_DISABLE 2

#ifdef __cplusplus
extern "C" {
#endif

int procctl(idtype_t idtype, id_t id, int cmd, void *data);

#ifdef __cplusplus
}
#endif

#endif
