/*
 * The packed format of docs/NV_FORMAT.md: its constants and little-endian
 * field access, shared by the packer, the unpacker and the transport.
 * Fields are read byte by byte, so the input needs no alignment.
 */
#ifndef NV_WIRE_H
#define NV_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define NV_WIRE_MAGIC     0x6b70766eu /* the bytes "nvpk" */
#define NV_WIRE_VERSION   1
#define NV_HDR_SIZE       16 /* magic, version, flags, reserved, ndesc, size */
#define NV_ENTRY_HDR_SIZE 12 /* type, reserved, name length, items, data length */
#define NV_LIST_HDR_SIZE  8  /* flags, reserved, entries length */

/* Limits an unpacker enforces and a packer respects. */
#define NV_DEPTH_MAX 64                 /* nested lists below the top one */
#define NV_SIZE_MAX  ((size_t)16 << 20) /* a whole message, header included */
#define NV_DESC_MAX  65536              /* descriptors in one message */

/* Descriptors travel after the bytes, at most this many per SCM_RIGHTS
 * message (Linux takes at most 253), each with one zero byte of data. */
#define NV_FD_BATCH 128

/* nvlist_recv() grows its buffer by doubling from this size as bytes
 * arrive, so a declared size costs nothing until it is backed by data. */
#define NV_RECV_CHUNK 65536

static inline uint16_t nv_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t nv_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t nv_get64(const uint8_t *p)
{
	return (uint64_t)nv_get32(p) | (uint64_t)nv_get32(p + 4) << 32;
}

static inline void nv_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void nv_put32(uint8_t *p, uint32_t v)
{
	nv_put16(p, (uint16_t)v);
	nv_put16(p + 2, (uint16_t)(v >> 16));
}

static inline void nv_put64(uint8_t *p, uint64_t v)
{
	nv_put32(p, (uint32_t)v);
	nv_put32(p + 4, (uint32_t)(v >> 32));
}

#endif /* !NV_WIRE_H */
