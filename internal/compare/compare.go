// Package compare measures progress between two points in time: an earlier
// build's task list (a Snapshot, read from its 汇总台账.json) and the tasks
// of today's build. It matches the tasks of the two lists, lists the ones
// whose status changed, the new and the removed ones, and counts both lists
// with consolidate.Summarize so the figures "then" and "now" are rounded the
// same way as everywhere else.
//
// # Matching rule
//
// Tasks are matched only within one village, one-to-one, in four passes; a
// task matched in one pass takes no part in the later ones:
//
//  1. same 序号, same 巡察反馈问题 and same 整改措施;
//  2. same 序号 and same 巡察反馈问题 (the measures were reworded); when
//     one problem spans several measure rows, the most alike 整改措施 (by
//     edit distance) wins, so a deleted row is the one left removed;
//  3. same non-empty 序号 and a 巡察反馈问题 that differs by small edits:
//     at least 80% alike by edit distance (Levenshtein over characters);
//     among several candidates the most alike wins;
//  4. a different 序号 but the same non-empty 巡察反馈问题 and the same
//     整改措施 (the rows were renumbered).
//
// Texts are compared after folding full-width forms and dropping white
// space and punctuation. The progress text (整改进展情况), the status and
// every other column play no part, so editing them never breaks a match.
// Within a pass, tasks are taken in list order and the earliest unmatched
// candidate wins a tie, so the result is deterministic. What is left
// unmatched is new (only now) or removed (only then); a removed task is a
// warning (ledger.CodeTaskRemoved), and so is a task that was 已完成 then and
// is not now (ledger.CodeStatusBackwards, at the status cell of today's row).
package compare

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/taizhang/taizhang/internal/consolidate"
	"github.com/taizhang/taizhang/internal/ledger"
)

// Similarity is the least likeness (0–1, by edit distance) of two problem
// texts with the same 序号 for them to count as one task edited (pass 3).
const Similarity = 0.8

// Change is one task whose status differs between the two snapshots.
type Change struct {
	Then ledger.Item // the task as the earlier snapshot had it
	Now  ledger.Item // the same task today
}

// Backwards reports whether the task was finished then and is not now.
func (c Change) Backwards() bool { return c.Then.Status.Finished() && !c.Now.Status.Finished() }

// Result is the comparison of an earlier snapshot with today's tasks.
type Result struct {
	Then, Now *consolidate.Summary // both counted with consolidate.Summarize
	Matched   int                  // tasks found in both lists
	Changed   []Change             // matched tasks whose status changed
	Backwards []Change             // the changes from 已完成 to anything else
	New       []ledger.Item        // tasks only today
	Removed   []ledger.Item        // tasks only in the snapshot
	// Changed, Backwards, New and Removed are in consolidated order
	// (consolidate.Order): villages in config order, then file and row.
	// Diagnostics are the warnings for removed tasks and backward statuses.
	Diagnostics []ledger.Diagnostic
}

// Compare matches today's tasks (now, counted against asOf) with the
// snapshot's. villages gives the order of the per-village figures.
func Compare(then *Snapshot, now []ledger.Item, villages []ledger.Village, asOf ledger.Date) *Result {
	if then == nil {
		then = &Snapshot{}
	}
	r := &Result{
		Then: consolidate.Summarize(then.Items, villages, then.AsOf),
		Now:  consolidate.Summarize(now, villages, asOf),
	}
	// Lists come out in the consolidated order whatever order they came in.
	now = ordered(now, villages)
	then = &Snapshot{Town: then.Town, AsOf: then.AsOf, Items: ordered(then.Items, villages)}
	pairOfNow := match(then.Items, now)
	matchedThen := make([]bool, len(then.Items))
	for ni := range now {
		ti := pairOfNow[ni]
		if ti < 0 {
			r.New = append(r.New, now[ni])
			continue
		}
		matchedThen[ti] = true
		r.Matched++
		if then.Items[ti].Status == now[ni].Status {
			continue
		}
		c := Change{Then: then.Items[ti], Now: now[ni]}
		r.Changed = append(r.Changed, c)
		if c.Backwards() {
			r.Backwards = append(r.Backwards, c)
			r.Diagnostics = append(r.Diagnostics, ledger.At(ledger.Warning, ledger.CodeStatusBackwards, &c.Now, ledger.ColStatus,
				"序号%s的整改状态在%s是“%s”，现在退回到“%s”，请核实", c.Now.Seq, snapshotName(then.AsOf), c.Then.Status, c.Now.Status))
		}
	}
	for ti, ok := range matchedThen {
		if ok {
			continue
		}
		it := then.Items[ti]
		r.Removed = append(r.Removed, it)
		r.Diagnostics = append(r.Diagnostics, ledger.Diagnostic{
			Severity: ledger.Warning,
			Code:     ledger.CodeTaskRemoved,
			File:     it.Source.File,
			Sheet:    it.Source.Sheet,
			Message: fmt.Sprintf("%s的任务（%s序号%s：%s）在本次台账中找不到，请确认是否误删",
				snapshotName(then.AsOf), it.Village, it.Seq, Abbrev(it.Problem, 20)),
		})
	}
	return r
}

// ordered returns a copy of items in consolidated order.
func ordered(items []ledger.Item, villages []ledger.Village) []ledger.Item {
	out := append([]ledger.Item(nil), items...)
	consolidate.Order(out, villages)
	return out
}

// snapshotName names the earlier snapshot in messages: "2025年6月30日的汇总".
func snapshotName(d ledger.Date) string {
	if d.IsZero() {
		return "上次汇总"
	}
	return d.Chinese() + "的汇总"
}

// Abbrev shortens s to at most n characters, marking a cut with "…".
func Abbrev(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// key is an item's matching text, normalised.
type key struct{ seq, problem, measures string }

func keyOf(it *ledger.Item) key {
	return key{
		seq:      strings.TrimRight(ledger.NormalizeText(it.Seq), ".、"),
		problem:  normText(it.Problem),
		measures: normText(it.Measures),
	}
}

// normText folds widths and drops white space and punctuation.
func normText(s string) string {
	s = ledger.NormalizeText(s)
	return strings.Map(func(r rune) rune {
		if unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return -1
		}
		return r
	}, s)
}

// match pairs now[i] with then[pair[i]] (-1 when unmatched) following the
// package's matching rule.
func match(then, now []ledger.Item) []int {
	pair := make([]int, len(now))
	for i := range pair {
		pair[i] = -1
	}
	taken := make([]bool, len(then))
	tk := make([]key, len(then))
	for i := range then {
		tk[i] = keyOf(&then[i])
	}
	nk := make([]key, len(now))
	for i := range now {
		nk[i] = keyOf(&now[i])
	}
	// byVillage lists the snapshot's items of each village, in order.
	byVillage := map[string][]int{}
	for i := range then {
		byVillage[then[i].Village] = append(byVillage[then[i].Village], i)
	}
	pass := func(score func(t, n key) float64) {
		for ni := range now {
			if pair[ni] >= 0 {
				continue
			}
			best, bestScore := -1, 0.0
			for _, ti := range byVillage[now[ni].Village] {
				if taken[ti] {
					continue
				}
				if s := score(tk[ti], nk[ni]); s > bestScore {
					best, bestScore = ti, s
				}
			}
			if best >= 0 {
				pair[ni] = best
				taken[best] = true
			}
		}
	}
	exact := func(ok bool) float64 {
		if ok {
			return 1
		}
		return 0
	}
	pass(func(t, n key) float64 { return exact(t == n) })
	pass(func(t, n key) float64 {
		if t.seq != n.seq || t.problem != n.problem {
			return 0
		}
		return 1 + similarity(t.measures, n.measures)
	})
	pass(func(t, n key) float64 {
		if t.seq == "" || t.seq != n.seq {
			return 0
		}
		if s := similarity(t.problem, n.problem); s >= Similarity {
			return s
		}
		return 0
	})
	pass(func(t, n key) float64 {
		return exact(t.problem != "" && t.problem == n.problem && t.measures == n.measures)
	})
	return pair
}

// similarity is 1 − EditDistance(a, b) / max(len(a), len(b)), over runes.
func similarity(a, b string) float64 {
	ra, rb := []rune(a), []rune(b)
	longest := max(len(ra), len(rb))
	if longest == 0 {
		return 1
	}
	return 1 - float64(EditDistance(ra, rb))/float64(longest)
}

// EditDistance is the Levenshtein distance between a and b over runes:
// the fewest insertions, deletions and substitutions that turn a into b.
func EditDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
