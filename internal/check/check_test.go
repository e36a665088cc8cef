package check

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/intake"
	"github.com/taizhang/taizhang/internal/intake/testbuild"
	"github.com/taizhang/taizhang/internal/ledger"
)

var (
	day  = testbuild.Day
	asOf = ledger.Date{Year: 2025, Month: 9, Day: 12}
)

type date = testbuild.Date

func ledgerOf(village string, rows ...[]any) testbuild.Book {
	return testbuild.Ledger("中共中山市三乡镇"+village+"委员会关于十五届市委第六轮对村巡察整改进展情况的通报台账", rows...)
}

func row(seq int, progress, status string, deadline, done any) []any {
	return testbuild.Row(seq, "", "问题", "措施", "王书记", "村委会", "张三", deadline, progress, status, done, "", "")
}

// readAll writes the books (file name → book) and reads them.
func readAll(t *testing.T, books map[string]testbuild.Book, villages []ledger.Village) []*intake.Result {
	t.Helper()
	dir := t.TempDir()
	for name, b := range books {
		testbuild.Write(t, dir, name, b)
	}
	paths, err := intake.Discover([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	return intake.ReadAll(paths, intake.Options{Villages: villages})
}

func lines(r *Report) []string {
	var out []string
	for _, d := range r.Diagnostics {
		out = append(out, d.String())
	}
	return out
}

func wantLines(t *testing.T, r *Report, want ...string) {
	t.Helper()
	if got := lines(r); !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
		t.Errorf("diagnostics:\n got %q\nwant %q", got, want)
	}
}

func TestDateRules(t *testing.T) {
	res := readAll(t, map[string]testbuild.Book{"大布村.xlsx": ledgerOf("大布村",
		row(1, "已完成", "已完成", date{T: day(2025, 3, 31)}, date{T: day(2025, 10, 1)}), // done after as-of
		row(2, "已完成", "已完成", "2025-03-31", ""),                                     // done, no date
		row(3, "进行中", "持续整改", "2025-03-31", ""),                                    // overdue
		row(4, "进行中", "基本完成", "2025-09-19", ""),                                    // due in 7 days
		row(5, "进行中", "持续整改", "2025-09-12", ""),                                    // due on the as-of day
		row(6, "进行中", "持续整改", "2025-09-20", ""),                                    // 8 days: fine
		row(7, "已完成", "已完成", "2025-03-31", "2025-09-12"),                           // done on the as-of day: fine
		row(8, "长期", "长期坚持", "长期坚持", ""),                                           // long-term: never overdue
	)}, nil)
	rep := Run(res, Options{AsOf: asOf})
	wantLines(t, rep,
		"大布村.xlsx:台账!K4: 错误: 完成时间2025年10月1日晚于统计截止日期2025年9月12日：请核对完成时间",
		"大布村.xlsx:台账!K5: 警告: 整改状态为“已完成”，但没有填写完成时间：请补填完成时间",
		"大布村.xlsx:台账!H6: 警告: 已逾期165天：整改时限为2025年3月31日，整改状态仍为“持续整改”，请加快整改或说明原因",
		"大布村.xlsx:台账!H7: 警告: 临期：距整改时限2025年9月19日还有7天，整改状态为“基本完成”",
		"大布村.xlsx:台账!H8: 警告: 临期：整改时限2025年9月12日就是统计截止日期，整改状态为“持续整改”",
	)
	codes := []string{ledger.CodeDoneInFuture, ledger.CodeDoneWithoutDate, ledger.CodeOverdue, ledger.CodeDueSoon, ledger.CodeDueSoon}
	for i, d := range rep.Diagnostics {
		if d.Code != codes[i] {
			t.Errorf("diagnostic %d code %s, want %s", i, d.Code, codes[i])
		}
	}
	if rep.Errors() != 1 || rep.Warnings() != 4 || !rep.Files[0].Rejected {
		t.Errorf("errors %d warnings %d rejected %v", rep.Errors(), rep.Warnings(), rep.Files[0].Rejected)
	}
}

func TestPersonalDataInPublishedColumns(t *testing.T) {
	b := ledgerOf("大布村",
		testbuild.Row(1, "", "问题", "联系13800138000落实", "王书记13912345678", "村委会", "张三 13700000000",
			"长期", "已告知本人（身份证号440101199001011234），电话（0760）86668888", "长期坚持", "", "身份证复印件440101199001011234", "致电１３６００１３６０００"),
	)
	rep := Run(readAll(t, map[string]testbuild.Book{"大布村.xlsx": b}, nil), Options{AsOf: asOf})
	// 责任领导, 责任人 and 佐证材料 are not published: nothing is said about them.
	wantLines(t, rep,
		"大布村.xlsx:台账!D4: 警告: 整改措施中有手机号码“138****8000”，这一列会公开：请删除，或改为单位的办公电话",
		"大布村.xlsx:台账!I4: 警告: 整改进展情况中有身份证号码“4401**********1234”，这一列会公开：请删除",
		"大布村.xlsx:台账!I4: 警告: 整改进展情况中有固定电话“(0760)****8888”，这一列会公开：如是个人电话请删除",
		"大布村.xlsx:台账!M4: 警告: 备注中有手机号码“136****6000”，这一列会公开：请删除，或改为单位的办公电话",
	)
	for _, d := range rep.Diagnostics {
		if d.Code != ledger.CodePersonalData || d.Severity != ledger.Warning {
			t.Errorf("%+v", d)
		}
	}
}

func TestFindPersonalData(t *testing.T) {
	cases := map[string][]string{
		"电话13800138000":       {"手机号码 13800138000"},
		"+8613800138000":      {"手机号码 13800138000"},
		"0760-88888888":       {"固定电话 0760-88888888"},
		"020 82345678":        {"固定电话 020 82345678"},
		"44010119900101123X":  {"身份证号码 44010119900101123X"},
		"资金12800000元":         nil,
		"2025年3月31日":          nil,
		"编号202503311234567":   nil, // 15 digits: not a phone
		"23800138000":         nil,
		"138001380001":        nil,
		"4401011990010112345": nil, // 19 digits
		"共投入资金１３８００１３８０００元（全角）": {"手机号码 13800138000"},
		"13800138000,13900139000": {"手机号码 13800138000", "手机号码 13900139000"},
	}
	for in, want := range cases {
		var got []string
		for _, f := range FindPersonalData(in) {
			got = append(got, f.Kind+" "+f.Value)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("FindPersonalData(%q) = %q, want %q", in, got, want)
		}
	}
}

func testConfig() *config.Config {
	return &config.Config{Villages: []ledger.Village{
		{Name: "圩仔社区", Org: "x"}, {Name: "塘敢村", Org: "x"}, {Name: "大布村", Org: "x"},
	}}
}

func TestFilesOrderAndVillageRules(t *testing.T) {
	ok := row(1, "已完成", "已完成", "2025-03-31", "2025-03-01")
	books := map[string]testbuild.Book{
		"a大布村.xlsx":  ledgerOf("大布村", ok),
		"b大布村.xlsx":  ledgerOf("大布村", ok, row(2, "已完成", "已完成", "2025-03-31", "2025-03-01")),
		"c塘敢村.xlsx":  ledgerOf("塘敢村", ok),
		"d圩仔社区.xlsx": ledgerOf("圩仔社区", ok),
	}
	cfg := testConfig()
	rep := Run(readAll(t, books, cfg.Villages), Options{Config: cfg, AsOf: asOf})
	var order []string
	for _, f := range rep.Files {
		order = append(order, f.Name+"/"+f.Village)
	}
	if want := []string{"d圩仔社区.xlsx/圩仔社区", "c塘敢村.xlsx/塘敢村", "a大布村.xlsx/大布村", "b大布村.xlsx/大布村"}; !reflect.DeepEqual(order, want) {
		t.Errorf("file order %q", order)
	}
	wantLines(t, rep,
		"a大布村.xlsx: 错误: 大布村有2份台账：“a大布村.xlsx”和“b大布村.xlsx”，请只保留一份",
		"b大布村.xlsx: 错误: 大布村有2份台账：“a大布村.xlsx”和“b大布村.xlsx”，请只保留一份",
	)
	var villages []string
	for _, it := range rep.Items {
		villages = append(villages, it.Village)
	}
	if want := []string{"圩仔社区", "塘敢村", "大布村", "大布村", "大布村"}; !reflect.DeepEqual(villages, want) {
		t.Errorf("items in order %q", villages)
	}
	if len(rep.AcceptedItems()) != 2 {
		t.Errorf("accepted items %d", len(rep.AcceptedItems()))
	}

	// Without a config: by file name.
	rep = Run(readAll(t, map[string]testbuild.Book{"乙.xlsx": ledgerOf("塘敢村", ok), "甲.xlsx": ledgerOf("大布村", ok)}, nil), Options{AsOf: asOf})
	if rep.Files[0].Name != "乙.xlsx" && rep.Files[0].Name != "甲.xlsx" {
		t.Fatal(rep.Files)
	}
	if rep.Files[0].Name > rep.Files[1].Name {
		t.Errorf("not by file name: %s, %s", rep.Files[0].Name, rep.Files[1].Name)
	}
}

func TestVillageNotInConfig(t *testing.T) {
	ok := row(1, "已完成", "已完成", "2025-03-31", "2025-03-01")
	res := readAll(t, map[string]testbuild.Book{"南山村.xlsx": ledgerOf("南山村", ok)}, nil) // read without the config
	rep := Run(res, Options{Config: testConfig(), AsOf: asOf})
	wantLines(t, rep, "南山村.xlsx: 错误: 台账中的村（社区）“南山村”不在配置的名单中（圩仔社区、塘敢村、大布村）：请核对标题或“填报单位”中的名称")
	if rep.Diagnostics[0].Code != ledger.CodeUnknownVillage || !rep.Files[0].Rejected {
		t.Errorf("%+v", rep.Diagnostics[0])
	}
	// Read with the config, intake already says so: once only.
	cfg := testConfig()
	rep = Run(readAll(t, map[string]testbuild.Book{"南山村.xlsx": ledgerOf("南山村", ok)}, cfg.Villages), Options{Config: cfg, AsOf: asOf})
	if len(rep.Diagnostics) != 1 {
		t.Errorf("%q", lines(rep))
	}
}

func TestDiagnosticsOrderedByFileRowColumn(t *testing.T) {
	b := ledgerOf("大布村",
		testbuild.Row(1, "", "问题", "", "", "", "", "2025-03-31", "进展13800138000", "搁置", "", "", ""),
		testbuild.Row(1, "", "问题", "措施", "", "", "", "2025-03-31", "进展", "持续整改", "", "", ""),
	)
	rep := Run(readAll(t, map[string]testbuild.Book{"大布村.xlsx": b, "空.xlsx": {}}, nil), Options{AsOf: asOf})
	var cells []string
	for _, d := range rep.Diagnostics {
		cells = append(cells, d.File+"!"+d.Cell)
	}
	want := []string{"大布村.xlsx!D4", "大布村.xlsx!I4", "大布村.xlsx!J4", "大布村.xlsx!A5", "大布村.xlsx!H5", "空.xlsx!"}
	if !reflect.DeepEqual(cells, want) {
		t.Errorf("order %q\nwant  %q\n%s", cells, want, strings.Join(lines(rep), "\n"))
	}
}

func TestJSONShape(t *testing.T) {
	ok := row(1, "已完成", "已完成", "2025-03-31", "2025-03-01")
	rep := Run(readAll(t, map[string]testbuild.Book{"大布村.xlsx": ledgerOf("大布村", ok, row(2, "进行中", "搁置", "长期", ""))}, nil), Options{AsOf: asOf})
	data, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Files []struct {
			Path, Village, Sheet, Status string
			Items                        int
		}
		Diagnostics []ledger.Diagnostic
		Items       []map[string]any
	}
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	f := got.Files[0]
	if !strings.HasSuffix(f.Path, "大布村.xlsx") || f.Village != "大布村" || f.Sheet != "台账" || f.Items != 2 || f.Status != "rejected" {
		t.Errorf("files %+v", got.Files)
	}
	if len(got.Diagnostics) != 1 || got.Diagnostics[0].Cell != "J5" || got.Diagnostics[0].Column != "整改状态" || got.Diagnostics[0].Code != ledger.CodeBadStatus {
		t.Errorf("diagnostics %+v", got.Diagnostics)
	}
	if len(got.Items) != 2 || got.Items[0]["deadline"] != "2025-03-31" || got.Items[1]["deadline"] != "长期" || got.Items[0]["status"] != "已完成" || got.Items[0]["done"] != "2025-03-01" {
		t.Errorf("items %v", got.Items)
	}
	for _, key := range []string{`"files":`, `"diagnostics":`, `"items":`} {
		if !strings.Contains(string(data), key) {
			t.Errorf("no %s in %s", key, data)
		}
	}
	empty, _ := json.Marshal(Run(nil, Options{AsOf: asOf}))
	if string(empty) != `{"files":[],"diagnostics":[],"items":[]}` {
		t.Errorf("empty report %s", empty)
	}
}

func TestMissingVillagesAreWarnedOnlyForAWholeInbox(t *testing.T) {
	villages := []ledger.Village{{Name: "圩仔社区", Org: "甲"}, {Name: "大布村", Org: "乙"}, {Name: "桥头村", Org: "丙"}}
	cfg := &config.Config{Villages: villages}
	res := readAll(t, map[string]testbuild.Book{
		"大布村.xlsx": ledgerOf("大布村", row(1, "已完成", "已完成", day(2025, 3, 31), day(2025, 3, 20))),
	}, villages)

	rep := Run(res, Options{Config: cfg, AsOf: asOf, Complete: true})
	wantLines(t, rep,
		"taizhang.yaml: 警告: 圩仔社区还没有报送整改台账：配置中有这个村（社区），但没有找到它的工作簿，请催报",
		"taizhang.yaml: 警告: 桥头村还没有报送整改台账：配置中有这个村（社区），但没有找到它的工作簿，请催报",
	)
	if rep.Diagnostics[0].Code != ledger.CodeMissingVillage || rep.Errors() != 0 {
		t.Errorf("diagnostics = %+v", rep.Diagnostics)
	}

	// Checking one file on its own says nothing about the others.
	wantLines(t, Run(res, Options{Config: cfg, AsOf: asOf}))
}

func TestPersonalDataAsPeopleTypeIt(t *testing.T) {
	for text, kind := range map[string]string{
		"联系人电话139-2345-6781":        "手机号码",
		"电话 138 2233 4455":          "手机号码",
		"+86 13712345678":           "手机号码",
		"+86-137-1234-5678":         "手机号码",
		"手机139\u20102345\u20106781": "手机号码",
		"座机0760-8888 6666":          "固定电话",
		"（0760）88886666":            "固定电话",
		"身份证44010219900101123X":     "身份证号码",
		"身份证 440102 19900101 123X":  "身份证号码",
	} {
		got := FindPersonalData(text)
		if len(got) != 1 || got[0].Kind != kind {
			t.Errorf("%q: %+v, want one %s", text, got, kind)
		}
	}
	for _, text := range []string{"投入资金12,345.60元", "文号2025-10-31", "整改完成率60%", "编号20250331001"} {
		if got := FindPersonalData(text); len(got) != 0 {
			t.Errorf("%q: %+v", text, got)
		}
	}
}

func TestDoneDateRulesOfIssue10(t *testing.T) {
	res := readAll(t, map[string]testbuild.Book{"大布村.xlsx": ledgerOf("大布村",
		row(1, "已完成", "已完成", "2025-03-31", date{T: day(2024, 3, 1)}),  // before the inspection began
		row(2, "推进中", "持续整改", "2025-12-31", date{T: day(2025, 5, 1)}), // a done date on a task not finished
		row(3, "已完成", "已完成", "2025-03-31", date{T: day(2025, 3, 1)}),
	)}, nil)
	cfg := testConfig()
	cfg.Inspection.From = ledger.Date{Year: 2024, Month: 9, Day: 24}
	rep := Run(res, Options{Config: cfg, AsOf: asOf})
	var got []string
	for _, d := range rep.Files[0].Diagnostics {
		got = append(got, d.Cell+" "+d.Severity.Chinese()+" "+d.Code)
	}
	want := []string{"K4 警告 done-before-start", "K5 警告 done-not-finished"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestPerFileRules(t *testing.T) {
	ok := row(1, "已完成", "已完成", "2025-03-31", date{T: day(2025, 3, 1)})
	bad := row(1, "已完成", "搁置", "2025-03-31", date{T: day(2025, 3, 1)})
	dir := t.TempDir()
	testbuild.Write(t, dir, "大布村.xlsx", ledgerOf("大布村", ok))
	testbuild.Write(t, dir, "大布村（改）.xlsx", ledgerOf("大布村", bad))
	testbuild.Write(t, dir, "塘敢村.xlsx", ledgerOf("塘敢村"))
	xls, err := os.ReadFile("../intake/testdata/old-format.xls")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "圩仔社区.xls"), xls, 0o644)
	paths, _ := intake.Discover([]string{dir})
	cfg := testConfig()
	rep := Run(intake.ReadAll(paths, intake.Options{Villages: cfg.Villages}), Options{Config: cfg, AsOf: asOf, Complete: true})
	verdict := map[string]string{}
	for _, f := range rep.Files {
		var cs []string
		for _, d := range f.Diagnostics {
			cs = append(cs, d.Code)
		}
		verdict[f.Name] = f.Village + ":" + strings.Join(cs, ",")
	}
	want := map[string]string{
		"大布村.xlsx":    "大布村:",            // the good one stands: a bad file of its village is no duplicate
		"大布村（改）.xlsx": "大布村:bad-status",  // returned for its own error
		"塘敢村.xlsx":    "塘敢村:no-tasks",    // a blank form
		"圩仔社区.xls":    "圩仔社区:legacy-xls", // unreadable, still under its village
	}
	if !reflect.DeepEqual(verdict, want) {
		t.Errorf("got %q\nwant %q", verdict, want)
	}
	for _, d := range rep.Diagnostics {
		if d.Code == ledger.CodeMissingVillage {
			t.Errorf("a village whose file is in the folder reported missing: %v", d)
		}
	}
}

// TestHasDigitsCountsAsRunesDo: the word-at-a-time count of digits agrees
// with counting runes, ASCII and full-width, for every cut of strings that
// mix digits with CJK text, full-width punctuation (EF BC 8C …), other
// EF-led characters and broken UTF-8 — at every threshold.
func TestHasDigitsCountsAsRunesDo(t *testing.T) {
	parts := []string{"1", "9", "０", "９", "整改", "，", "（", "：", "\uFF5E", "\uFFFD", "\xef", "\xef\xbc", "\xef\xbc\x99"[:2] + "9", "a", "/", ":", " ", "\u3000", "𠀋"}
	rng := uint64(1)
	next := func(n int) int {
		rng = rng*6364136223846793005 + 1442695040888963407
		return int(rng>>33) % n
	}
	count := func(s string) int {
		c := 0
		for _, r := range s {
			if r >= '0' && r <= '9' || r >= '０' && r <= '９' {
				c++
			}
		}
		return c
	}
	for range 3000 {
		var b strings.Builder
		for range next(40) {
			b.WriteString(parts[next(len(parts))])
		}
		s := b.String()
		for cut := 0; cut <= len(s); cut += 1 + next(5) {
			sub := s[cut:]
			c := count(sub)
			for n := 1; n <= c+2; n++ {
				if got := hasDigits(sub, n); got != (c >= n) {
					t.Fatalf("hasDigits(%q, %d) = %v; the string has %d digits", sub, n, got, c)
				}
			}
		}
	}
}

// TestPersonalDataAtTheFewestDigits: each kind is found with the fewest
// digits it can have, so no text that could hold one is skipped unseen
// (minPersonalDigits), and a date column's text is searched when its date
// is not of the usual size.
func TestPersonalDataAtTheFewestDigits(t *testing.T) {
	for text, kind := range map[string]string{
		"座机020-2345678":         "固定电话",
		"手机13800138000":         "手机号码",
		"１３８００１３８０００":           "手机号码",
		"身份证440102199001011234": "身份证号码",
	} {
		if got := FindPersonalData(text); len(got) != 1 || got[0].Kind != kind {
			t.Errorf("%q: %+v, want one %s", text, got, kind)
		}
	}
	if got := FindPersonalData("020-234567"); len(got) != 0 {
		t.Errorf("nine digits: %+v", got)
	}
	it := &ledger.Item{Deadline: ledger.Deadline{Kind: ledger.DeadlineOn, Date: ledger.Date{Year: 2025, Month: 3, Day: 31}}, Done: ledger.Date{Year: 2025, Month: 3, Day: 1}}
	if !fewDigits(it, ledger.ColDeadline) || !fewDigits(it, ledger.ColDone) || fewDigits(it, ledger.ColProgress) {
		t.Error("a usual date is searched, or a text column is not")
	}
	it.Done.Year = 138001
	if fewDigits(it, ledger.ColDone) {
		t.Errorf("a date that formats as %s (10 digits) is not searched", it.Done)
	}
}
