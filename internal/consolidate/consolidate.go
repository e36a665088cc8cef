// Package consolidate merges the villages' tasks into the town's list and
// counts them: tasks, statuses, overdue, completion rates, per town, per
// village and per category.
package consolidate

import (
	"sort"

	"github.com/taizhang/taizhang/internal/ledger"
)

// Counts are the figures of one group of tasks.
type Counts struct {
	Tasks    int `json:"tasks"`     // 任务数
	Done     int `json:"done"`      // 已完成
	Mostly   int `json:"mostly"`    // 基本完成
	Ongoing  int `json:"ongoing"`   // 持续整改
	LongTerm int `json:"long_term"` // 长期坚持
	Overdue  int `json:"overdue"`   // 逾期: deadline passed, not finished
	DueSoon  int `json:"due_soon"`  // 临期: due within 7 days
}

// Rate is the completion rate: 已完成 over all tasks.
func (c Counts) Rate() Percent { return Rate(c.Done, c.Tasks) }

// NoRate is printed for the completion rate of a group with no tasks (a
// village that has not reported, a town with no ledgers yet): there is no
// rate, and 0.0% would say nothing was done.
const NoRate = "—"

// RateText is the completion rate as printed everywhere: "96.4%", or NoRate
// when there are no tasks.
func (c Counts) RateText() string {
	if c.Tasks == 0 {
		return NoRate
	}
	return c.Rate().String()
}

// Unfinished is the number of tasks not yet 已完成 (待完成).
func (c Counts) Unfinished() int { return c.Tasks - c.Done }

// ByStatus returns the count of tasks with status s.
func (c Counts) ByStatus(s ledger.Status) int {
	switch s {
	case ledger.StatusDone:
		return c.Done
	case ledger.StatusMostly:
		return c.Mostly
	case ledger.StatusOngoing:
		return c.Ongoing
	case ledger.StatusLongTerm:
		return c.LongTerm
	}
	return 0
}

// StatusShares gives each canonical status's share of the tasks, in
// ledger.Statuses order, summing to 100.0%.
func (c Counts) StatusShares() []Percent {
	counts := make([]int, len(ledger.Statuses))
	for i, s := range ledger.Statuses {
		counts[i] = c.ByStatus(s)
	}
	return Shares(counts)
}

func (c *Counts) add(it *ledger.Item, asOf ledger.Date) {
	c.Tasks++
	switch it.Status {
	case ledger.StatusDone:
		c.Done++
	case ledger.StatusMostly:
		c.Mostly++
	case ledger.StatusOngoing:
		c.Ongoing++
	case ledger.StatusLongTerm:
		c.LongTerm++
	}
	if !asOf.IsZero() {
		if it.Overdue(asOf) {
			c.Overdue++
		} else if it.DueSoon(asOf) {
			c.DueSoon++
		}
	}
}

// VillageCounts are one village's figures.
type VillageCounts struct {
	Village ledger.Village `json:"village"`
	Counts
}

// CategoryCounts are one category's figures across the town.
type CategoryCounts struct {
	Category string `json:"category"`
	Counts
}

// Summary is the town's consolidated figures.
type Summary struct {
	AsOf       ledger.Date      `json:"as_of"`
	Town       Counts           `json:"town"`
	Villages   []VillageCounts  `json:"villages"`   // config order; every configured village, even with no tasks
	Categories []CategoryCounts `json:"categories"` // first-appearance order
}

// UncategorizedName labels tasks whose ledger gave no category.
const UncategorizedName = "未分类"

// Summarize counts items. villages gives the order (the config's); a village
// found in items but not in villages is appended in order of appearance.
// Overdue and due-soon counts are taken against asOf (none when zero).
func Summarize(items []ledger.Item, villages []ledger.Village, asOf ledger.Date) *Summary {
	s := &Summary{AsOf: asOf}
	vIndex := map[string]int{}
	for _, v := range villages {
		vIndex[v.Name] = len(s.Villages)
		s.Villages = append(s.Villages, VillageCounts{Village: v})
	}
	cIndex := map[string]int{}
	for i := range items {
		it := &items[i]
		s.Town.add(it, asOf)
		vi, ok := vIndex[it.Village]
		if !ok {
			vi = len(s.Villages)
			vIndex[it.Village] = vi
			s.Villages = append(s.Villages, VillageCounts{Village: ledger.Village{Name: it.Village}})
		}
		s.Villages[vi].add(it, asOf)
		cat := it.Category
		if cat == "" {
			cat = UncategorizedName
		}
		ci, ok := cIndex[cat]
		if !ok {
			ci = len(s.Categories)
			cIndex[cat] = ci
			s.Categories = append(s.Categories, CategoryCounts{Category: cat})
		}
		s.Categories[ci].add(it, asOf)
	}
	return s
}

// Village returns the counts of the named village.
func (s *Summary) Village(name string) (VillageCounts, bool) {
	for _, v := range s.Villages {
		if v.Village.Name == name {
			return v, true
		}
	}
	return VillageCounts{}, false
}

// Order sorts items into the consolidated list's order: villages in the
// given order (unknown ones after, by name), then by source file and row.
// The sort is stable, so items of one file keep their row order.
func Order(items []ledger.Item, villages []ledger.Village) {
	sort.SliceStable(items, orderLess(items, villages))
}

// Ordered reports whether items are in Order's order already (sorting them
// again would change nothing).
func Ordered(items []ledger.Item, villages []ledger.Village) bool {
	return sort.SliceIsSorted(items, orderLess(items, villages))
}

// orderLess is the consolidated list's order of items.
func orderLess(items []ledger.Item, villages []ledger.Village) func(a, b int) bool {
	rank := map[string]int{}
	for i, v := range villages {
		rank[v.Name] = i
	}
	r := func(name string) int {
		if i, ok := rank[name]; ok {
			return i
		}
		return len(villages)
	}
	return func(a, b int) bool {
		x, y := &items[a], &items[b]
		if rx, ry := r(x.Village), r(y.Village); rx != ry {
			return rx < ry
		}
		if x.Village != y.Village {
			return x.Village < y.Village
		}
		if x.Source.File != y.Source.File {
			return x.Source.File < y.Source.File
		}
		return x.Source.Row < y.Source.Row
	}
}

// ByVillage groups ordered items by village, in the given village order,
// every configured village present (possibly with no items).
func ByVillage(items []ledger.Item, villages []ledger.Village) map[string][]ledger.Item {
	out := make(map[string][]ledger.Item, len(villages))
	for _, v := range villages {
		out[v.Name] = nil
	}
	for _, it := range items {
		out[it.Village] = append(out[it.Village], it)
	}
	return out
}
