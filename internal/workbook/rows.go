package workbook

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"hash/crc32"
	"os"
	"strconv"
	"sync"

	"github.com/klauspost/compress/flate"

	"github.com/taizhang/taizhang/internal/cache"
	"github.com/taizhang/taizhang/internal/ledger"
)

// 汇总 is compressed in pieces: its head (everything up to its first task's
// row), each village's rows, and its tail, each deflated on its own — a
// writer of its own, ended with a sync flush, the tail's with the final
// block — so that the pieces, one after the other, are one deflate stream
// and no piece refers back into another. A village's piece is then the
// same bytes whatever the others are, and is kept between builds
// (DraftOptions.Rows): a rebuild makes and deflates only the rows of the
// villages whose part of the town changed. Every build compresses this
// way, kept pieces or not, so both give the same bytes.

// fragment is a piece of 汇总, deflated.
type fragment struct {
	data []byte // deflate blocks, ending byte-aligned
	crc  uint32 // the CRC-32 of the XML
	size uint64 // the XML's length
}

// deflater deflates fragments, reusing one writer.
type deflater struct{ fw *flate.Writer }

// fragment deflates xml; last ends the stream (the sheet's tail), else it
// ends with a sync flush.
func (d *deflater) fragment(xml []byte, last bool) (fragment, error) {
	var buf bytes.Buffer
	buf.Grow(len(xml)/4 + 64)
	if d.fw == nil {
		d.fw, _ = flate.NewWriter(&buf, flate.DefaultCompression) // the level is valid
	} else {
		d.fw.Reset(&buf)
	}
	_, err := d.fw.Write(xml)
	if err == nil {
		if last {
			err = d.fw.Close()
		} else {
			err = d.fw.Flush()
		}
	}
	return fragment{data: buf.Bytes(), crc: crc32.ChecksumIEEE(xml), size: uint64(len(xml))}, err
}

// rowsFormat changes whenever what a key covers or what an entry holds
// changes.
const rowsFormat = "taizhang rows/1"

// keptRows are the villages' deflated rows kept between builds, and the
// keys one draft uses. A village's rows are a function of the program
// (the code, the styles, the column widths, excelize), the day overdue is
// counted against (a status cell's style), the village's tasks
// (ledger.VillageDigests: its entry and every field of its tasks) and the
// number of the row they start at (a cell names its row): the key covers
// exactly these.
type keptRows struct {
	store   *cache.Store
	base    string            // the key of what every key shares
	digests map[string]string // by village
	mu      sync.Mutex
	used    map[string]bool // every key this draft used or made
}

// newKeptRows returns the kept rows of store for in, nil (keep nothing)
// when the program cannot be identified. digests are in's villages'
// ledger.VillageDigests, computed when nil.
func newKeptRows(store *cache.Store, version string, in *Input, digests map[string]string) *keptRows {
	prog, err := cache.Program()
	if err != nil {
		return nil
	}
	if digests == nil {
		if digests, err = ledger.VillageDigests(in.Villages, in.Items); err != nil {
			return nil
		}
	}
	base := cache.Key(rowsFormat, version, prog, in.AsOf.String())
	return &keptRows{store: store, base: base, digests: digests, used: map[string]bool{}}
}

// key is the key of a village's rows starting at row first, "" when the
// village has no digest (it is not among in.Villages).
func (k *keptRows) key(village string, first int) string {
	d, ok := k.digests[village]
	if !ok {
		return ""
	}
	key := cache.Key(k.base, d, strconv.Itoa(first))
	k.mu.Lock()
	k.used[key] = true
	k.mu.Unlock()
	return key
}

// has says whether an entry of key seems to be there: planning takes it
// for kept, and get, which checks it, remakes it if it is not whole.
func (k *keptRows) has(key string) bool {
	_, err := os.Stat(k.store.Path(key))
	return err == nil
}

// rowsMeta is what a kept entry says of its rows, in its record and its
// trailer.
type rowsMeta struct {
	First int    `json:"first"` // the first row's number
	Rows  int    `json:"rows"`
	Size  uint64 `json:"size"` // the XML's length
	CRC32 uint32 `json:"crc32"`
}

// An entry's bytes are the fragment's followed by a trailer: trailerMagic,
// the key (32 bytes), First, Rows (4 bytes each), Size (8), CRC32 (4), all
// little-endian, then the CRC-32 of everything before it. The record's
// SHA-256 finds a damaged entry; the trailer, bytes copied from another
// key's entry, or cut short, with a record made to match.
const (
	trailerMagic = "TZR1"
	trailerLen   = 4 + 32 + 4 + 4 + 8 + 4 + 4
)

func (m rowsMeta) trailer(data []byte, key string) []byte {
	raw, _ := hex.DecodeString(key) // a key is hex
	t := append([]byte(trailerMagic), raw...)
	t = binary.LittleEndian.AppendUint32(t, uint32(m.First))
	t = binary.LittleEndian.AppendUint32(t, uint32(m.Rows))
	t = binary.LittleEndian.AppendUint64(t, m.Size)
	t = binary.LittleEndian.AppendUint32(t, m.CRC32)
	sum := crc32.Update(crc32.ChecksumIEEE(data), crc32.IEEETable, t)
	return binary.LittleEndian.AppendUint32(t, sum)
}

// put keeps a village's fragment under key. Failing to costs the next
// build the making of its rows, nothing else: the cache is not an output.
func (k *keptRows) put(key string, r villageRun, fr fragment) {
	m := rowsMeta{First: r.lo + 2, Rows: r.hi - r.lo, Size: fr.size, CRC32: fr.crc}
	data := make([]byte, 0, len(fr.data)+trailerLen)
	data = append(append(data, fr.data...), m.trailer(fr.data, key)...)
	_ = k.store.PutBytes(key, data, m)
}

// get returns the fragment kept for r under key, when there is a whole
// entry of that key, for those rows.
func (k *keptRows) get(key string, r villageRun) (fragment, bool) {
	data, raw, ok := k.store.GetBytes(key)
	if !ok || len(data) < trailerLen {
		return fragment{}, false
	}
	var m rowsMeta
	if json.Unmarshal(raw, &m) != nil || m.First != r.lo+2 || m.Rows != r.hi-r.lo {
		return fragment{}, false
	}
	body := data[:len(data)-trailerLen]
	if !bytes.Equal(data[len(body):], m.trailer(body, key)) {
		return fragment{}, false
	}
	return fragment{data: body, crc: m.CRC32, size: m.Size}, true
}

// keep removes every entry but those this draft used.
func (k *keptRows) keep() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.store.Keep(k.used)
}
