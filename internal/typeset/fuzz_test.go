package typeset

import (
	"testing"
)

// FuzzFace: any bytes given as a font file are refused with an error or
// read, and a face read can be cut to any characters into a face that
// reads again — never a panic, never a hang (a user's fonts: setting, a
// font found on the machine).
func FuzzFace(f *testing.F) {
	// testdata/fuzz/FuzzFace holds the seeds: the embedded fallback face,
	// and the body and 楷体 faces cut to a few characters.
	f.Add([]byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01\x00\x00\x00\x10"), 0)
	f.Fuzz(func(t *testing.T, b []byte, index int) {
		if len(b) > 1<<20 {
			return
		}
		data, err := extractFace(b, index&3)
		if err != nil {
			return
		}
		fc, err := parseFace("fuzz", data)
		if err != nil {
			return
		}
		var keep []rune
		for r := rune(0); r < 0x10000 && len(keep) < 64; r++ {
			if fc.covers(r) {
				keep = append(keep, r)
			}
		}
		sub, err := fc.subset(keep)
		if err != nil {
			return
		}
		if _, err := parseFace("fuzz-sub", sub); err != nil {
			t.Fatalf("a subset of a face that reads does not read: %v", err)
		}
	})
}
