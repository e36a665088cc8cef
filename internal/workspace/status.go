package workspace

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/ledger"
)

// Submission is one workbook in the inbox as checking judged it.
type Submission struct {
	Path        string              `json:"path"`
	Name        string              `json:"name"`
	Village     string              `json:"village"`            // "" when it could not be told
	Villages    []string            `json:"villages,omitempty"` // a combined file: every village it holds
	ByVillage   map[string]int      `json:"-"`                  // a combined file: each village's tasks
	Tasks       int                 `json:"tasks"`
	Unread      bool                `json:"unread,omitempty"` // not a workbook: not read, shown beside its village
	Modified    time.Time           `json:"modified"`
	Diagnostics []ledger.Diagnostic `json:"diagnostics"`
}

// Errors counts the submission's errors.
func (s *Submission) Errors() int { e, _ := ledger.Count(s.Diagnostics); return e }

// Warnings counts the submission's warnings.
func (s *Submission) Warnings() int { _, w := ledger.Count(s.Diagnostics); return w }

// Village states.
const (
	Submitted = "submitted" // 已报送: a file without errors
	Rejected  = "rejected"  // 退回: only files with errors
	Missing   = "missing"   // 未报送
)

// VillageStatus is where one village stands.
type VillageStatus struct {
	Name     string       `json:"name"`
	Org      string       `json:"org"`
	State    string       `json:"state"`
	File     *Submission  `json:"file,omitempty"`     // the accepted file, or the newest rejected one
	Rejected []Submission `json:"rejected,omitempty"` // rejected files still in the inbox, newest first
	Unread   []Submission `json:"unread,omitempty"`   // files that seem to be the village's but were not read (a PDF, a zip)
}

// Returned reports whether the village has a file to put right: a rejected
// file still in the inbox (build refuses while there is one).
func (v *VillageStatus) Returned() bool { return len(v.Rejected) > 0 }

// Status is a screenful for the clerk: who is in, who is not, what was
// rejected, and how long until the disclosure date.
type Status struct {
	Town           string          `json:"town"`
	Today          ledger.Date     `json:"today"`
	DisclosureDate ledger.Date     `json:"disclosure_date"`
	DisclosureEnd  ledger.Date     `json:"disclosure_end"`
	DaysLeft       int             `json:"days_left"` // to the disclosure date; negative once it has passed
	Villages       []VillageStatus `json:"villages"`
	Missing        []string        `json:"missing"`  // 催报 list
	Rejected       []string        `json:"rejected"` // villages with only rejected files
	Unknown        []Submission    `json:"unknown"`  // files whose village could not be told
	Unread         []Submission    `json:"unread"`   // files not read whose village could not be told either
	// PersonalData counts personal-data warnings in accepted files that the
	// config does not acknowledge: build --final refuses while there are any.
	PersonalData []ledger.Diagnostic `json:"personal_data"`
	LastBuild    *time.Time          `json:"last_build,omitempty"`
	// Refusals are FinalRefusals' answer for this inbox and workspace, when
	// the caller asked it (Refuse): why build --final would not go ahead.
	Refusals []string `json:"final_refusals"`
	refused  bool
}

// Refuse asks FinalRefusals and keeps its answer, so that status, the desk
// and build --final say the same thing from one computation.
func (s *Status) Refuse(cfg *config.Config, errs int) error {
	why, err := FinalRefusals(cfg, s, errs)
	if err != nil {
		return err
	}
	s.Refusals, s.refused = append([]string{}, why...), true
	return nil
}

// Ready reports whether build --final would go ahead: as far as the inbox
// goes (every village in, nothing rejected in its place, no personal data
// left unacknowledged) and, once Refuse has run, nothing else refuses it.
func (s *Status) Ready() bool {
	if s.refused {
		return len(s.Refusals) == 0
	}
	return s.inboxReady()
}

// inboxReady is Ready as far as the inbox goes, whatever Refuse found.
func (s *Status) inboxReady() bool {
	for _, v := range s.Villages {
		if v.Returned() {
			return false
		}
	}
	return len(s.Missing) == 0 && len(s.Rejected) == 0 && len(s.Unknown) == 0 && len(s.PersonalData) == 0
}

// Compute works out the status from the checked submissions.
func Compute(cfg *config.Config, subs []Submission, today ledger.Date) *Status {
	st := &Status{
		Town: cfg.Town, Today: today,
		DisclosureDate: cfg.Disclosure.Date, DisclosureEnd: cfg.DisclosureEnd(),
		Missing: []string{}, Rejected: []string{}, Unknown: []Submission{}, Unread: []Submission{}, PersonalData: []ledger.Diagnostic{},
	}
	if !cfg.Disclosure.Date.IsZero() {
		st.DaysLeft = today.DaysUntil(cfg.Disclosure.Date)
	}
	byVillage := map[string][]Submission{}
	unread := map[string][]Submission{}
	for _, s := range subs {
		if s.Unread {
			if _, ok := cfg.Village(s.Village); ok {
				unread[s.Village] = append(unread[s.Village], s)
			} else {
				st.Unread = append(st.Unread, s)
			}
			continue
		}
		vs := s.Villages
		if len(vs) == 0 {
			vs = []string{s.Village}
		}
		known := false
		for _, v := range vs {
			if _, ok := cfg.Village(v); ok {
				sv := s
				if n, ok := s.ByVillage[v]; ok && len(vs) > 1 {
					sv.Tasks = n // each village of a combined file counts its own tasks
				}
				byVillage[v] = append(byVillage[v], sv)
				known = true
			}
		}
		if !known {
			st.Unknown = append(st.Unknown, s)
		}
	}
	for _, v := range cfg.Villages {
		vs := VillageStatus{Name: v.Name, Org: v.Org, State: Missing, Unread: unread[v.Name]}
		files := byVillage[v.Name]
		sort.SliceStable(files, func(i, j int) bool { return files[i].Modified.After(files[j].Modified) })
		for i := range files {
			f := files[i]
			if f.Errors() == 0 {
				if vs.State != Submitted {
					vs.State, vs.File = Submitted, &f
				}
				continue
			}
			vs.Rejected = append(vs.Rejected, f)
		}
		if vs.State == Missing && len(vs.Rejected) > 0 {
			vs.State, vs.File = Rejected, &vs.Rejected[0]
		}
		switch vs.State {
		case Missing:
			st.Missing = append(st.Missing, v.Name)
		case Rejected:
			st.Rejected = append(st.Rejected, v.Name)
		case Submitted:
			for _, d := range vs.File.Diagnostics {
				if d.Code == ledger.CodePersonalData && !cfg.IsAcknowledged(d) {
					st.PersonalData = append(st.PersonalData, d)
				}
			}
		}
		st.Villages = append(st.Villages, vs)
	}
	return st
}

// Print writes the status as a clerk reads it aloud.
func (s *Status) Print(w io.Writer) {
	fmt.Fprintf(w, "%s巡察整改台账收件情况（%s）\n", s.Town, s.Today.Chinese())
	fmt.Fprintln(w, s.Countdown())
	in, returned, both := 0, 0, 0
	for _, v := range s.Villages {
		if v.State == Submitted {
			in++
		}
		if v.Returned() {
			returned++
			if v.State == Submitted {
				both++
			}
		}
	}
	fmt.Fprintf(w, "\n共 %d 个村（社区）：已报送 %d 个，退回待改 %d 个，未报送 %d 个。", len(s.Villages), in, returned, len(s.Missing))
	if both > 0 {
		fmt.Fprintf(w, "（其中 %d 个已有合格台账，又有退回的文件）", both)
	}
	fmt.Fprintln(w)
	var got []string
	for _, v := range s.Villages {
		if v.State == Submitted {
			got = append(got, fmt.Sprintf("%s（%d 项）", v.Name, v.File.Tasks))
		}
	}
	if len(got) > 0 {
		fmt.Fprintf(w, "已报送：%s\n", strings.Join(got, "、"))
	}
	if len(s.Missing) > 0 {
		fmt.Fprintf(w, "未报送（请催报）：%s\n", strings.Join(s.Missing, "、"))
	}
	var unread []string
	for _, v := range s.Villages {
		for _, f := range v.Unread {
			unread = append(unread, fmt.Sprintf("  %s  %s：不是Excel台账，没有读取", v.Name, f.Name))
		}
	}
	for _, f := range s.Unread {
		unread = append(unread, fmt.Sprintf("  不明单位  %s：不是Excel台账，没有读取", f.Name))
	}
	if len(unread) > 0 {
		fmt.Fprintln(w, "\n收件箱中没有读取的文件：")
		for _, l := range unread {
			fmt.Fprintln(w, l)
		}
	}
	var rejected []VillageStatus
	for _, v := range s.Villages {
		if len(v.Rejected) > 0 {
			rejected = append(rejected, v)
		}
	}
	if len(rejected) > 0 || len(s.Unknown) > 0 {
		fmt.Fprintln(w, "\n退回的文件：")
		for _, v := range rejected {
			for _, f := range v.Rejected {
				note := ""
				if v.State == Submitted {
					if f.Modified.After(v.File.Modified) {
						note = fmt.Sprintf("（较新的这份被退回，仍使用之前合格的%s）", v.File.Name)
					} else {
						note = fmt.Sprintf("（已另有较新的合格台账%s，请把这份旧文件移出收件箱）", v.File.Name)
					}
				}
				fmt.Fprintf(w, "  %s  %s：%d 条错误%s\n", v.Name, f.Name, f.Errors(), note)
				printProblems(w, f.Diagnostics)
			}
		}
		for _, f := range s.Unknown {
			fmt.Fprintf(w, "  不明单位  %s：看不出是哪个村（社区）的台账（请在文件名或填报单位中写明村名）", f.Name)
			if e := f.Errors(); e > 0 {
				fmt.Fprintf(w, "，另有 %d 条错误", e)
			}
			fmt.Fprintln(w)
			printProblems(w, f.Diagnostics)
		}
	}
	if len(s.PersonalData) > 0 {
		fmt.Fprintf(w, "\n可能含有个人信息 %d 处（核实后删除，或在 taizhang.yaml 的 acknowledged 中登记）：\n", len(s.PersonalData))
		for i, d := range s.PersonalData {
			if i == 3 {
				fmt.Fprintf(w, "  ……共 %d 处\n", len(s.PersonalData))
				break
			}
			fmt.Fprintf(w, "  %s\n", d.String())
		}
	}
	if s.LastBuild != nil {
		t := *s.LastBuild
		fmt.Fprintf(w, "\n上次生成通报：%d月%d日 %s。\n", int(t.Month()), t.Day(), t.Format("15:04"))
	}
	switch {
	case s.Ready():
		fmt.Fprintln(w, "\n各村（社区）台账已齐全，可以运行 taizhang build --final 生成公开版。")
	case s.refused && s.inboxReady():
		// The inbox is ready; what init left for the clerk to replace is not.
		fmt.Fprintln(w, "\n各村（社区）台账已齐全，但生成公开版之前还要处理：")
		for _, why := range s.Refusals {
			if strings.HasPrefix(why, "    ") {
				fmt.Fprintln(w, why)
				continue
			}
			fmt.Fprintf(w, "  · %s\n", why)
		}
	}
}

// printProblems lists the first errors of a rejected file.
func printProblems(w io.Writer, ds []ledger.Diagnostic) {
	const most = 3
	n := 0
	for _, d := range ds {
		if d.Severity != ledger.Error {
			continue
		}
		n++
		if n <= most {
			where := ""
			if d.Sheet != "" && d.Cell != "" {
				where = d.Sheet + "!" + d.Cell + "："
			}
			fmt.Fprintf(w, "      %s%s\n", where, d.Message)
		}
	}
	if n > most {
		fmt.Fprintf(w, "      ……另有 %d 条，见 输出/退回/ 中的退回说明\n", n-most)
	}
}

// Countdown says how the disclosure date stands, in one sentence.
func (s *Status) Countdown() string {
	if s.DisclosureDate.IsZero() {
		return "配置中没有公开日期（disclosure.date）。"
	}
	d := s.DisclosureDate.Chinese()
	switch {
	case s.DaysLeft > 0:
		return fmt.Sprintf("距公开日期%s还有 %d 天。", d, s.DaysLeft)
	case s.DaysLeft == 0:
		return fmt.Sprintf("今天（%s）是公开日期。", d)
	case !s.Today.After(s.DisclosureEnd):
		return fmt.Sprintf("已于%s公开，公开期至%s，今天是第 %d 天。", d, s.DisclosureEnd.Chinese(), -s.DaysLeft+1)
	}
	return fmt.Sprintf("公开期已于%s结束。", s.DisclosureEnd.Chinese())
}
