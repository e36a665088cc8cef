package workbook

// crc32Combine is zlib's crc32_combine for the IEEE polynomial (the zip
// format's): given the CRC-32 of a and of b and b's length, the CRC-32 of
// a followed by b, without reading either. A worksheet put together from
// pieces compressed apart, some in earlier builds, gets its zip entry's
// CRC-32 from theirs this way.
//
// A CRC-32 is, but for its pre- and post-conditioning (which cancel out
// here), the remainder of the message's polynomial modulo the generator:
// crc(a‖b) = crc(a)·x^(8·len(b)) ⊕ crc(b) mod p, and x^(8·n) is found by
// squaring (zlib 1.2.12's x2nmodp/multmodp).
func crc32Combine(crc1, crc2 uint32, len2 uint64) uint32 {
	if len2 == 0 {
		return crc1
	}
	return multModP(x2nModP(len2, 3), crc1) ^ crc2
}

// crcPoly is the IEEE generator, bit-reversed as the zip format's CRC-32
// computes it (hash/crc32.IEEE).
const crcPoly = 0xedb88320

// multModP multiplies a and b modulo p, polynomials in the reflected
// order: the most significant bit (1<<31) is x^0.
func multModP(a, b uint32) uint32 {
	var p uint32
	for m := uint32(1) << 31; m != 0; m >>= 1 {
		if a&m != 0 {
			p ^= b
			if a&(m-1) == 0 {
				break
			}
		}
		if b&1 != 0 {
			b = b>>1 ^ crcPoly
		} else {
			b >>= 1
		}
	}
	return p
}

// x2nTable[k] is x^(2^k) modulo p.
var x2nTable = func() (t [32]uint32) {
	p := uint32(1) << 30 // x^1
	t[0] = p
	for k := 1; k < len(t); k++ {
		p = multModP(p, p)
		t[k] = p
	}
	return t
}()

// x2nModP is x^(n·2^k) modulo p.
func x2nModP(n uint64, k uint) uint32 {
	p := uint32(1) << 31 // x^0
	for ; n != 0; n >>= 1 {
		if n&1 != 0 {
			p = multModP(x2nTable[k&31], p)
		}
		k++
	}
	return p
}
