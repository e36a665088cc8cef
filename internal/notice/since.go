package notice

import (
	"fmt"

	"github.com/taizhang/taizhang/internal/compare"
)

// SinceData is the comparison with an earlier snapshot as a narrative sees
// it (only with `build --since`; write such sentences inside
// {{with .Since}}…{{end}} so the notice also builds without it):
//
//	{{.Since.Date}}                       2025年6月30日, the snapshot's as-of day
//	{{.Since.Sentence}}                   完成率从53.6%提高到84.8%
//	{{.Since.Town.ThenText}}              已完成120个，待完成77个
//	{{.Since.Town.NowText}}               已完成190个，待完成7个
//	{{.Since.Town.Gain}}                  提高31.2个百分点
//	{{(.Since.Village "大布村").Sentence}} the same for one village
//	{{(.Since.Category "…").NowRate}}     and for one problem category
type SinceData struct {
	*compare.Result
}

// Date is the earlier snapshot's as-of day in official form.
func (s *SinceData) Date() string { return s.Then.AsOf.Chinese() }

// Village returns one village's progress; an unknown name stops the build
// with a message, as it does for {{.Village}}.
func (s *SinceData) Village(name string) (compare.Progress, error) {
	if p, ok := s.Result.Village(name); ok {
		return p, nil
	}
	return compare.Progress{}, fmt.Errorf("对比中没有村（社区）“%s”", name)
}

// Category returns one category's progress, or an error for an unknown name.
func (s *SinceData) Category(name string) (compare.Progress, error) {
	if p, ok := s.Result.Category(name); ok {
		return p, nil
	}
	return compare.Progress{}, fmt.Errorf("对比中没有问题类别“%s”", name)
}

func sinceData(r *compare.Result) *SinceData {
	if r == nil {
		return nil
	}
	return &SinceData{r}
}
