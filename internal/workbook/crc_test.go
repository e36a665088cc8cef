package workbook

import (
	"hash/crc32"
	"math/rand"
	"testing"
)

// TestCRC32CombineIsTheCRCOfTheWhole: the CRC-32 combined from pieces' is
// hash/crc32's of their concatenation, for pieces of every small length,
// empty ones included, long ones, and many in a row.
func TestCRC32CombineIsTheCRCOfTheWhole(t *testing.T) {
	rnd := rand.New(rand.NewSource(1))
	piece := func(n int) []byte {
		b := make([]byte, n)
		rnd.Read(b)
		return b
	}
	for _, n1 := range []int{0, 1, 2, 3, 7, 64, 1000} {
		for _, n2 := range []int{0, 1, 2, 3, 4, 5, 8, 31, 32, 33, 255, 256, 4097, 1 << 20} {
			a, b := piece(n1), piece(n2)
			want := crc32.ChecksumIEEE(append(append([]byte(nil), a...), b...))
			if got := crc32Combine(crc32.ChecksumIEEE(a), crc32.ChecksumIEEE(b), uint64(len(b))); got != want {
				t.Fatalf("%d then %d bytes: combined %08x, the whole's %08x", n1, n2, got, want)
			}
		}
	}
	// A sheet's worth: a head, many fragments (some empty), a tail.
	var whole []byte
	var sum uint32
	for i := range 300 {
		p := piece(rnd.Intn(3000) * (i % 5))
		whole = append(whole, p...)
		sum = crc32Combine(sum, crc32.ChecksumIEEE(p), uint64(len(p)))
	}
	if want := crc32.ChecksumIEEE(whole); sum != want {
		t.Errorf("300 pieces: combined %08x, the whole's %08x", sum, want)
	}
	// The empty piece first: the CRC-32 of nothing is 0.
	if got := crc32Combine(0, crc32.ChecksumIEEE([]byte("abc")), 3); got != crc32.ChecksumIEEE([]byte("abc")) {
		t.Errorf("nothing then abc: %08x", got)
	}
}
