package ledger

import (
	"encoding/json"
	"strings"

	"golang.org/x/text/width"
)

// Status is the canonical state of a task.
type Status string

// The canonical statuses, in report order.
const (
	StatusDone     Status = "已完成"
	StatusMostly   Status = "基本完成"
	StatusOngoing  Status = "持续整改"
	StatusLongTerm Status = "长期坚持"
)

// Statuses lists the canonical statuses in report order.
var Statuses = []Status{StatusDone, StatusMostly, StatusOngoing, StatusLongTerm}

// StatusList is the allowed vocabulary as a clerk reads it: "已完成、基本完成、持续整改、长期坚持".
const StatusList = "已完成、基本完成、持续整改、长期坚持"

var statusSynonyms = map[string]Status{
	"已完成": StatusDone, "已整改": StatusDone, "完成整改": StatusDone, "已销号": StatusDone,
	"完成": StatusDone, "已整改完成": StatusDone, "整改完成": StatusDone,
	"基本完成": StatusMostly, "基本整改": StatusMostly, "基本完成整改": StatusMostly,
	"持续整改": StatusOngoing, "正在整改": StatusOngoing, "整改中": StatusOngoing,
	"持续推进": StatusOngoing, "推进中": StatusOngoing, "未完成": StatusOngoing,
	"长期坚持": StatusLongTerm, "长期": StatusLongTerm, "长期整改": StatusLongTerm,
}

// ParseStatus maps what a clerk wrote (a canonical word or a synonym, with
// stray spaces, full-width forms or a trailing 。) to the canonical status.
func ParseStatus(s string) (Status, bool) {
	k := NormalizeText(s)
	k = strings.TrimRight(k, "。.;；")
	if st, ok := statusSynonyms[k]; ok {
		return st, true
	}
	return "", false
}

// Finished reports whether the task counts as completed in the completion rate.
func (s Status) Finished() bool { return s == StatusDone }

// Valid reports whether s is one of the canonical statuses.
func (s Status) Valid() bool {
	for _, c := range Statuses {
		if s == c {
			return true
		}
	}
	return false
}

// UnmarshalJSON accepts canonical statuses and synonyms.
func (s *Status) UnmarshalJSON(b []byte) error {
	var str string
	if err := json.Unmarshal(b, &str); err != nil {
		return err
	}
	if st, ok := ParseStatus(str); ok {
		*s = st
		return nil
	}
	*s = Status(str)
	return nil
}

// NormalizeText folds full-width ASCII (０, （, Ａ) to half-width and removes every kind
// of white space, so that "整改 状态", "整改\n状态" and "整改状态" compare equal.
// It is meant for matching words, not for text that will be published.
func NormalizeText(s string) string {
	s = width.Fold.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch r {
		case ' ', '\t', '\n', '\r', '\u3000', '\u00a0', '\u200b', '\ufeff':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
