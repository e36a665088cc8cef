package typeset

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"

	"github.com/cespare/xxhash/v2"
)

// What a cache of typeset pages (a village's ledger kept between builds)
// needs of this package: a digest of the faces, which the pages' layout and
// fonts depend on, and the characters drawn per face in a form that can be
// stored and read back.

// Digest identifies the faces of fs: the SHA-256 of every distinct face's
// key, role chain position and bytes (their XXH64: a face is megabytes,
// and a key needs to tell faces apart, not to resist forgery). Each face's
// bytes are hashed once per process.
func (fs *FontSet) Digest() string {
	h := sha256.New()
	for role := range fs.chain {
		for _, f := range fs.chain[role] {
			f.sumOnce.Do(func() { f.sum = xxhash.Sum64(f.data) })
			h.Write([]byte(f.key))
			h.Write([]byte{0})
			h.Write(binary.LittleEndian.AppendUint64(nil, f.sum))
		}
		h.Write([]byte{1})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ByFace lists the characters of s by face key, each list sorted.
func (s RuneSet) ByFace() map[string][]rune {
	out := make(map[string][]rune, len(s.m))
	for f := range s.m {
		out[f.key] = s.runes(f)
	}
	return out
}

// RuneSetOf is the RuneSet that ByFace listed, for the faces of fs. It
// reports false when a key names no face of fs: the list was made with
// other fonts.
func (fs *FontSet) RuneSetOf(byFace map[string][]rune) (RuneSet, bool) {
	var s RuneSet
	for key, rs := range byFace {
		var f *face
		for _, c := range fs.faces() {
			if c.key == key {
				f = c
			}
		}
		if f == nil {
			return RuneSet{}, false
		}
		s.add(f, rs)
	}
	return s, true
}
