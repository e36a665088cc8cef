package notice

import (
	"fmt"
	"strings"

	"github.com/taizhang/taizhang/internal/compare"
	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/consolidate"
	"github.com/taizhang/taizhang/internal/ledger"
)

// Data is what the notice template and the clerk's narrative see. Field
// names are the clerk's vocabulary: {{.Town.Done}}, {{.Town.Rate}},
// {{(.Village "大布村").Rate}}, {{(.Category "基层党建").Tasks}}. Dates are
// already in official form ("2025年9月12日"). templates/通报.tmpl documents
// every field for the clerk; keep the two in step.
type Data struct {
	Issuer     string         // 发文机关
	Round      string         // 十五届市委第六轮
	AsOf       string         // 统计截止日期
	Town       Figures        // the whole town; Town.Name is the town's name
	Inspection InspectionData // the inspection answered
	Disclosure DisclosureData // publication and period
	Contact    config.Contact // the feedback paragraph; Hours defaults to config.DefaultHours
	Villages   []VillageData  // config (attachment) order
	Categories []Figures      // the town's figures per problem category, first-appearance order
	// Since is the comparison with an earlier snapshot (build --since); nil
	// when there is none. See SinceData for what it offers.
	Since *SinceData

	villages map[string]int
}

// Figures are the counts of one group of tasks (the town, a village, a
// category) with its name. Counts gives Tasks, Done, Mostly, Ongoing,
// LongTerm, Overdue, DueSoon and the methods Rate and Unfinished.
type Figures struct {
	Name string
	consolidate.Counts
	categories []Figures
}

// Category returns the figures of one problem category within f. An unknown
// category is an error, so a misspelt name in a narrative stops the build
// instead of printing a zero.
func (f Figures) Category(name string) (Figures, error) {
	for _, c := range f.categories {
		if c.Name == name {
			return c, nil
		}
	}
	return Figures{}, fmt.Errorf("没有问题类别“%s”%s", name, known(f.categories))
}

// Rate is the completion rate as printed: "96.4%", or consolidate.NoRate
// when the group has no tasks.
func (f Figures) Rate() string { return f.Counts.RateText() }

// VillageData is one village's figures and its attachment.
type VillageData struct {
	Figures
	Org     string // its Party organisation
	Number  int    // attachment number, from 1
	Ordinal string // the number in Chinese numerals: 一, 二, …, 十一
	Title   string // its attachment's title
}

// InspectionData is the inspection, dates in official form.
type InspectionData struct {
	Group    string
	From     string
	To       string
	Feedback string
	Period   string // "2024年9月24日至12月20日"
}

// DisclosureData is the publication of the notice.
type DisclosureData struct {
	Date   string // "2025年9月12日"
	End    string // last day of the period
	Days   int
	Period string // "2025年9月12日至26日（共计15日）"
}

// Village returns a village's figures by name; an unknown name is an error.
func (d *Data) Village(name string) (VillageData, error) {
	if i, ok := d.villages[name]; ok {
		return d.Villages[i], nil
	}
	names := make([]string, len(d.Villages))
	for i, v := range d.Villages {
		names[i] = v.Name
	}
	return VillageData{}, fmt.Errorf("没有村（社区）“%s”，已配置的有：%s", name, strings.Join(names, "、"))
}

// Category returns the town's figures for a problem category.
func (d *Data) Category(name string) (Figures, error) { return d.Town.Category(name) }

// VillageCount is the number of configured villages.
func (d *Data) VillageCount() int { return len(d.Villages) }

// NewData builds the template data from the config, the ordered items and
// their summary (computed here when nil).
func NewData(cfg *config.Config, items []ledger.Item, sum *consolidate.Summary, since *compare.Result) *Data {
	if sum == nil {
		sum = consolidate.Summarize(items, cfg.Villages, cfg.BuildAsOf())
	}
	contact := cfg.Contact
	contact.Hours = cfg.ContactHours()
	days := cfg.DisclosureDays()
	d := &Data{
		Issuer: cfg.Issuer,
		Round:  cfg.Round,
		AsOf:   sum.AsOf.Chinese(),
		Town: Figures{
			Name:       cfg.Town,
			Counts:     sum.Town,
			categories: categories(sum.Categories),
		},
		Inspection: InspectionData{
			Group:    cfg.Inspection.Group,
			From:     cfg.Inspection.From.Chinese(),
			To:       cfg.Inspection.To.Chinese(),
			Feedback: cfg.Inspection.Feedback.Chinese(),
			Period:   DateRange(cfg.Inspection.From, cfg.Inspection.To),
		},
		Disclosure: DisclosureData{
			Date:   cfg.Disclosure.Date.Chinese(),
			End:    cfg.Disclosure.Date.AddDays(days - 1).Chinese(),
			Days:   days,
			Period: DisclosurePeriod(cfg.Disclosure.Date, days),
		},
		Contact:  contact,
		Since:    sinceData(since),
		villages: map[string]int{},
	}
	if cfg.Disclosure.Date.IsZero() {
		d.Disclosure.End, d.Disclosure.Period = "", ""
	}
	d.Categories = d.Town.categories
	byVillage := consolidate.ByVillage(items, cfg.Villages)
	for i, v := range cfg.Villages {
		vc, _ := sum.Village(v.Name)
		vs := consolidate.Summarize(byVillage[v.Name], nil, sum.AsOf)
		d.villages[v.Name] = i
		d.Villages = append(d.Villages, VillageData{
			Figures: Figures{Name: v.Name, Counts: vc.Counts, categories: categories(vs.Categories)},
			Org:     v.Org,
			Number:  i + 1,
			Ordinal: chineseNumber(i + 1),
			Title:   AttachmentTitle(v, cfg.Round),
		})
	}
	return d
}

// AttachmentTitle is the title of a village's ledger attachment:
// "{org}关于{round}对村巡察整改进展情况的通报台账".
func AttachmentTitle(v ledger.Village, round string) string {
	return v.Org + "关于" + round + "对村巡察整改进展情况的通报台账"
}

func categories(cs []consolidate.CategoryCounts) []Figures {
	out := make([]Figures, len(cs))
	for i, c := range cs {
		out[i] = Figures{Name: c.Category, Counts: c.Counts}
	}
	return out
}

func known(fs []Figures) string {
	if len(fs) == 0 {
		return "（台账中没有填写问题类别）"
	}
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	return "，已有的类别：" + strings.Join(names, "、")
}

// chineseNumber writes 1–99 in Chinese numerals: 一, 十, 十一, 二十一.
func chineseNumber(n int) string {
	digits := []string{"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n <= 0 || n >= 100:
		return fmt.Sprint(n)
	case n < 10:
		return digits[n]
	}
	s := ""
	if n/10 > 1 {
		s = digits[n/10]
	}
	s += "十"
	if n%10 > 0 {
		s += digits[n%10]
	}
	return s
}
