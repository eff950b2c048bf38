/*
 * What the filters need to know about the machine: the audit architecture
 * seccomp reports, where a 32-bit half of an argument sits in struct
 * seccomp_data, and the system call numbers (NR_<name>, from one .def file
 * per architecture).  Other code must not use __NR_* or SYS_* directly.
 */
#ifndef CAPSICUM_ARCH_H
#define CAPSICUM_ARCH_H

#include <stddef.h>
#include <linux/audit.h>
#include <linux/seccomp.h>

#if defined(__x86_64__) && !defined(__ILP32__)
#define CAPSICUM_AUDIT_ARCH AUDIT_ARCH_X86_64
#define CAPSICUM_ELF_MACHINE 62 /* EM_X86_64 */
/* The dynamic loaders the kernel may open for a program executed in capability mode. */
#define CAPSICUM_LOADERS "/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
/* x32 calls arrive with the native audit arch and this bit in nr. */
#define CAPSICUM_NR_X32_BIT 0x40000000u
enum capsicum_nr {
#define SYSCALL(name, nr) NR_##name = (nr),
#include "x86_64.def"
#undef SYSCALL
};
#else
#error "libcapsicum: only x86_64 has a system call table so far (see src/arch/)"
#endif

/* Little-endian: the low word of args[i] comes first. */
#define SD_NR        offsetof(struct seccomp_data, nr)
#define SD_ARCH      offsetof(struct seccomp_data, arch)
#define SD_ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#define SD_ARG_HI(i) (offsetof(struct seccomp_data, args) + 8 * (i) + 4)

#endif
