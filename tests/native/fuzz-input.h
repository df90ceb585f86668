/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzzers' reader of their input bytes: big-endian numbers of any
 * width, zeros once the input runs out (so every input decodes whole).
 */
#ifndef XM_FUZZ_INPUT_H
#define XM_FUZZ_INPUT_H

struct input {
	const u8 *p;
	size_t n;
};

static inline u64 take(struct input *in, unsigned int bytes)
{
	u64 v = 0;

	while (bytes--) {
		v <<= 8;
		if (in->n) {
			v |= *in->p++;
			in->n--;
		}
	}
	return v;
}

#endif
