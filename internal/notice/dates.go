package notice

import (
	"fmt"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/ledger"
)

// DateRange writes a span of days the way official documents do, leaving
// out what the end repeats of the start: "2025年9月12日至26日",
// "2025年9月20日至10月4日", "2025年12月25日至2026年1月8日". A single day
// is written once; a missing end gives the start alone.
func DateRange(from, to ledger.Date) string {
	switch {
	case from.IsZero():
		return to.Chinese()
	case to.IsZero() || to == from:
		return from.Chinese()
	case to.Year != from.Year:
		return from.Chinese() + "至" + to.Chinese()
	case to.Month != from.Month:
		return fmt.Sprintf("%s至%d月%d日", from.Chinese(), int(to.Month), to.Day)
	}
	return fmt.Sprintf("%s至%d日", from.Chinese(), to.Day)
}

// DisclosurePeriod gives the disclosure period (公开期限) of days days
// counted inclusively from the publication date:
// "2025年9月12日至26日（共计15日）". days below 1 count as
// config.DefaultDisclosureDays, the usual period.
func DisclosurePeriod(from ledger.Date, days int) string {
	if days < 1 {
		days = config.DefaultDisclosureDays
	}
	return fmt.Sprintf("%s（共计%d日）", DateRange(from, from.AddDays(days-1)), days)
}
