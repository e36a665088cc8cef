package compare

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/taizhang/taizhang/internal/ledger"
)

// Snapshot is the town's task list as an earlier build saw it: the items of
// its 汇总台账.json and the day they were counted against.
type Snapshot struct {
	Town  string
	AsOf  ledger.Date
	Items []ledger.Item
}

// snapshotFile is the part of 汇总台账.json a comparison needs; other keys
// (statistics, warnings, …) are ignored.
type snapshotFile struct {
	Town  string         `json:"town"`
	AsOf  ledger.Date    `json:"as_of"`
	Items *[]ledger.Item `json:"items"`
}

// LoadSnapshot reads an earlier build's 汇总台账.json. Its errors are in
// Chinese and name the file, for the clerk who typed its path (build
// --since, template --from).
func LoadSnapshot(path string) (*Snapshot, error) {
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("找不到上次的汇总台账文件“%s”，请检查路径", path)
		}
		return nil, fmt.Errorf("无法读取上次的汇总台账文件“%s”：%v", path, err)
	}
	defer f.Close()
	s, err := ReadSnapshot(f)
	if err != nil {
		return nil, fmt.Errorf("%s：%v", name, err)
	}
	return s, nil
}

// ReadSnapshot decodes a 汇总台账.json from r.
func ReadSnapshot(r io.Reader) (*Snapshot, error) {
	var sf snapshotFile
	dec := json.NewDecoder(r)
	if err := dec.Decode(&sf); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			return nil, errors.New("文件是空的，不是汇总台账JSON")
		case errors.Is(err, io.ErrUnexpectedEOF):
			return nil, errors.New("文件不完整（JSON在中途结束），可能没有保存完整")
		case errors.As(err, &se):
			return nil, fmt.Errorf("不是有效的JSON（第%d个字节附近有误），请使用 taizhang build 生成的“汇总台账.json”", se.Offset)
		case errors.As(err, &te):
			return nil, fmt.Errorf("不是汇总台账JSON：字段“%s”的类型不对", te.Field)
		default:
			return nil, fmt.Errorf("不是有效的汇总台账JSON：%v", err)
		}
	}
	if sf.Items == nil {
		return nil, errors.New("不是汇总台账JSON：缺少任务清单（items），请使用 taizhang build 生成的“汇总台账.json”")
	}
	return &Snapshot{Town: sf.Town, AsOf: sf.AsOf, Items: *sf.Items}, nil
}
