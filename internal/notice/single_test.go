package notice

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"

	"github.com/taizhang/taizhang/internal/ledger"
)

// Town and Village write one document each, for tests: the build writes
// them all at once with Publish, from one typesetting of each ledger.

// Town writes the town notice (通报.pdf): the notice on A4 portrait pages,
// then each village's ledger as an attachment on landscape pages, page
// numbers running on throughout. Each ledger is typeset to a temporary
// file and joined (see Publish, which also writes the villages' own files
// from the same typesetting).
func Town(w io.Writer, in Input) (*Result, error) {
	p, err := prepareTown(in)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	opts := PublishOptions{Workers: runtime.GOMAXPROCS(0)}
	err = p.publish(context.Background(), opts, false, func(rel string, fill func(io.Writer) error) error {
		return fill(w)
	}, res, nil)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// Village writes one village's ledger on its own, for posting in the
// village: landscape pages, the attachment's title, page numbers from 1.
// The pages are those of the village's attachment to the town notice (the
// line of its 附件N label left empty).
func Village(w io.Writer, in Input, village string) (*Result, error) {
	if in.Config == nil {
		return nil, errors.New("生成通报：没有读入配置文件")
	}
	v, ok := in.Config.Village(village)
	if !ok {
		return nil, fmt.Errorf("村（社区）“%s”不在配置文件的 villages 中", village)
	}
	fonts, err := fontsOf(in.Fonts)
	if err != nil {
		return nil, err
	}
	var items []ledger.Item
	for _, it := range in.Items {
		if it.Village == village {
			items = append(items, it)
		}
	}
	fonts, _ = withFallback(fonts, []string{AttachmentTitle(v, in.Config.Round)}, items, in.Config.Publish)
	rel := villageFile(village)
	c, err := typesetLedger(fonts, in.Config, v, items)
	if err != nil {
		return nil, fmt.Errorf("写出 %s 失败：%w", rel, err)
	}
	info := (&town{in: in, asOf: asOfOf(in), fonts: fonts}).info(AttachmentTitle(v, in.Config.Round), nil)
	if err := joinVillage(w, c, fonts, info); err != nil {
		return nil, fmt.Errorf("写出 %s 失败：%w", rel, err)
	}
	return &Result{Pages: c.pages, Diagnostics: missingDiags(c.missing, rel, items)}, nil
}
