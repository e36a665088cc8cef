package compare

import (
	"fmt"

	"github.com/taizhang/taizhang/internal/consolidate"
)

// Progress is one group's figures then and now: the town, a village or a
// category. Its methods give the phrases a notice is made of.
type Progress struct {
	Name      string             // the village or category; "合计" for the town
	Then, Now consolidate.Counts // zero counts when the group was absent
}

// ThenRate is the completion rate then.
func (p Progress) ThenRate() consolidate.Percent { return p.Then.Rate() }

// NowRate is the completion rate now.
func (p Progress) NowRate() consolidate.Percent { return p.Now.Rate() }

// ThenText gives "已完成120个，待完成77个".
func (p Progress) ThenText() string { return countsText(p.Then) }

// NowText gives "已完成190个，待完成7个".
func (p Progress) NowText() string { return countsText(p.Now) }

func countsText(c consolidate.Counts) string {
	return fmt.Sprintf("已完成%d个，待完成%d个", c.Done, c.Unfinished())
}

// Sentence gives "完成率从60.9%提高到96.4%", "完成率从…下降到…" or
// "完成率保持在96.4%". A group with no tasks on one side has no rate there
// (consolidate.NoRate), so nothing is said to have risen from 0.0%.
func (p Progress) Sentence() string {
	a, b := p.ThenRate(), p.NowRate()
	switch {
	case p.Then.Tasks == 0 && p.Now.Tasks == 0:
		return "两期都没有整改任务"
	case p.Then.Tasks == 0:
		return fmt.Sprintf("上期没有整改任务，本期完成率%s", b)
	case p.Now.Tasks == 0:
		return fmt.Sprintf("上期完成率%s，本期没有整改任务", a)
	case b > a:
		return fmt.Sprintf("完成率从%s提高到%s", a, b)
	case b < a:
		return fmt.Sprintf("完成率从%s下降到%s", a, b)
	}
	return fmt.Sprintf("完成率保持在%s", b)
}

// Gain gives the change in percentage points: "提高35.5个百分点",
// "下降2.5个百分点" or "持平"; consolidate.NoRate when either side has no
// tasks, and so no rate.
func (p Progress) Gain() string {
	a, b := p.ThenRate(), p.NowRate()
	switch {
	case p.Then.Tasks == 0 || p.Now.Tasks == 0:
		return consolidate.NoRate
	case b > a:
		return "提高" + b.Points(a)
	case b < a:
		return "下降" + a.Points(b)
	}
	return "持平"
}

// TownName labels the town's row in per-village tables.
const TownName = "合计"

// Town is the whole town's progress.
func (r *Result) Town() Progress {
	return Progress{Name: TownName, Then: r.Then.Town, Now: r.Now.Town}
}

// Sentence is the town's: "完成率从60.9%提高到96.4%".
func (r *Result) Sentence() string { return r.Town().Sentence() }

// Villages gives every village's progress, in the order of today's summary
// (config order), then any village found only in the snapshot.
func (r *Result) Villages() []Progress {
	var out []Progress
	seen := map[string]bool{}
	for _, v := range r.Now.Villages {
		p := Progress{Name: v.Village.Name, Now: v.Counts}
		if t, ok := r.Then.Village(v.Village.Name); ok {
			p.Then = t.Counts
		}
		seen[p.Name] = true
		out = append(out, p)
	}
	for _, v := range r.Then.Villages {
		if !seen[v.Village.Name] {
			out = append(out, Progress{Name: v.Village.Name, Then: v.Counts})
		}
	}
	return out
}

// Village gives one village's progress.
func (r *Result) Village(name string) (Progress, bool) {
	for _, p := range r.Villages() {
		if p.Name == name {
			return p, true
		}
	}
	return Progress{Name: name}, false
}

// Categories gives every category's progress, in the order of today's
// summary, then any category found only in the snapshot.
func (r *Result) Categories() []Progress {
	var out []Progress
	idx := map[string]int{}
	for _, c := range r.Now.Categories {
		idx[c.Category] = len(out)
		out = append(out, Progress{Name: c.Category, Now: c.Counts})
	}
	for _, c := range r.Then.Categories {
		if i, ok := idx[c.Category]; ok {
			out[i].Then = c.Counts
		} else {
			out = append(out, Progress{Name: c.Category, Then: c.Counts})
		}
	}
	return out
}

// Category gives one category's progress.
func (r *Result) Category(name string) (Progress, bool) {
	for _, p := range r.Categories() {
		if p.Name == name {
			return p, true
		}
	}
	return Progress{Name: name}, false
}
