package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/taizhang/taizhang/internal/ledger"
)

// Spec describes a synthetic town for benchmarks: Villages workbooks of
// Tasks tasks each, drawn from Seed.
type Spec struct {
	Villages int
	Tasks    int
	Seed     int64
}

// TownVillage returns the name and organisation of the i-th (0-based)
// synthetic village: 第001村, 中共中山市三乡镇第001村委员会 (the suffix varies).
func TownVillage(i int) ledger.Village {
	name := fmt.Sprintf("第%03d村", i+1)
	suffix := []string{"委员会", "总支部委员会", "支部委员会", "总支委员会"}[i%4]
	return ledger.Village{Name: name, Org: "中共中山市三乡镇" + name + suffix}
}

// WriteTown writes a synthetic town into dir: one workbook per village
// (第001村整改台账.xlsx …, each a title row, a header and spec.Tasks wrapped
// task rows with real Excel dates, written with excelize's StreamWriter) and
// a matching taizhang.yaml. It returns the workbook paths in village order.
// The same spec always gives byte-identical files.
func WriteTown(dir string, spec Spec) ([]string, error) {
	if spec.Villages <= 0 || spec.Tasks < 0 {
		return nil, fmt.Errorf("synth: bad town spec %+v", spec)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var paths []string
	for i := 0; i < spec.Villages; i++ {
		v := TownVillage(i)
		p := filepath.Join(dir, v.Name+"整改台账.xlsx")
		rng := rand.New(rand.NewPCG(uint64(spec.Seed), uint64(i)))
		if err := writeTownLedger(p, v, spec.Tasks, rng); err != nil {
			return nil, fmt.Errorf("synth: %s: %w", v.Name, err)
		}
		paths = append(paths, p)
	}
	if err := os.WriteFile(filepath.Join(dir, "taizhang.yaml"), townConfig(spec.Villages), 0o644); err != nil {
		return nil, err
	}
	return paths, nil
}

func townConfig(n int) []byte {
	var b strings.Builder
	b.WriteString(`# 合成的基准测试镇（由 internal/synth.WriteTown 生成）
town: 三乡镇
issuer: 中共中山市三乡镇委员会
round: 十五届市委第六轮
inspection:
  group: 市委对村巡察第四组
  from: 2024-09-24
  to: 2024-12-20
  feedback: 2025-01-14
disclosure:
  date: 2025-09-12
  days: 15
as_of: 2025-09-12
contact:
  phone: 0760-86388332
  hours: 工作时间
  address: 中山市三乡镇景观大道1号镇政府大楼三乡镇党建和组织人事办公室
  envelope: 对中共中山市三乡镇委员会关于巡察整改落实情况的意见建议
  postcode: "528463"
  email: sxxcxtb@126.com
villages:
`)
	for i := 0; i < n; i++ {
		v := TownVillage(i)
		fmt.Fprintf(&b, "  - name: %s\n    org: %s\n", v.Name, v.Org)
	}
	return []byte(b.String())
}

var townHeader = []string{"序号", "问题类别", "巡察反馈问题", "整改措施", "责任领导", "责任单位",
	"责任人", "整改时限", "整改进展情况", "整改状态", "完成时间", "备注"}

var townWidths = []float64{6, 14, 30, 36, 10, 12, 9, 13, 56, 10, 13, 10}

func writeTownLedger(path string, v ledger.Village, tasks int, rng *rand.Rand) error {
	f := excelize.NewFile()
	defer f.Close()
	const sh = "台账"
	if err := f.SetSheetName("Sheet1", sh); err != nil {
		return err
	}
	if err := f.SetDefaultFont(DefaultFont); err != nil {
		return err
	}
	if err := f.SetDocProps(&excelize.DocProperties{Creator: DefaultAuthor, LastModifiedBy: DefaultAuthor,
		Created: "2025-01-20T08:30:00Z", Modified: DefaultSaved}); err != nil {
		return err
	}
	st, err := newStyles(f, Layout{}.withDefaults())
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sh)
	if err != nil {
		return err
	}
	for i, w := range townWidths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	last, _ := excelize.ColumnNumberToName(len(townHeader))
	title := v.Org + "关于十五届市委第六轮对村巡察整改进展情况的台账"
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: st.title, Value: title}},
		excelize.RowOpts{Height: 36}); err != nil {
		return err
	}
	if err := sw.MergeCell("A1", last+"1"); err != nil {
		return err
	}
	head := make([]any, len(townHeader))
	for i, h := range townHeader {
		head[i] = excelize.Cell{StyleID: st.header, Value: h}
	}
	if err := sw.SetRow("A2", head, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	g := townGen{rng: rng}
	for i := 0; i < tasks; i++ {
		t := g.task(i)
		cells := make([]any, len(townHeader))
		lines := 1.0
		for j, val := range t {
			style := st.text
			switch j {
			case 0, 1, 4, 5, 6, 9:
				style = st.center
			case 7, 10:
				style = st.center
				if _, ok := val.(time.Time); ok {
					style = st.date
				}
			}
			if s, ok := val.(string); ok {
				lines = math.Max(lines, textLines(s, townWidths[j], DefaultFontSize))
			}
			cells[j] = excelize.Cell{StyleID: style, Value: val}
		}
		h := math.Min(409, math.Ceil(lines*DefaultFontSize*1.4+8))
		if err := sw.SetRow(fmt.Sprintf("A%d", i+3), cells, excelize.RowOpts{Height: h}); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return save(f, path)
}

// townGen draws the tasks of one synthetic village.
type townGen struct {
	rng *rand.Rand
}

func (g *townGen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// day returns a day between from and to inclusive.
func (g *townGen) day(from, to ledger.Date) ledger.Date {
	return from.AddDays(g.rng.IntN(from.DaysUntil(to) + 1))
}

// task returns the 12 cell values of task i (0-based), in townHeader order.
func (g *townGen) task(i int) []any {
	cat := g.pick(townCategories)
	problem := g.sentence(20, 80, townProblemParts)
	measures := g.sentence(40, 150, townMeasureParts)
	progress := g.sentence(100, 400, townProgressParts)
	lead := g.name()
	unit := g.pick(townUnits)
	person := g.name()
	var deadline, done any
	status := ""
	switch x := g.rng.IntN(100); {
	case x < 70: // finished before the as-of date
		d := g.day(ledger.NewDate(2025, 1, 20), ledger.NewDate(2025, 9, 10))
		done = d.Time()
		deadline = g.day(d, ledger.NewDate(2025, 12, 31)).Time()
		status = g.pick([]string{"已完成", "已完成", "已完成", "已整改", "已销号"})
	case x < 80:
		deadline = g.day(ledger.NewDate(2025, 9, 30), ledger.NewDate(2025, 12, 31)).Time()
		status = "基本完成"
	case x < 92:
		deadline = g.day(ledger.NewDate(2025, 10, 1), ledger.NewDate(2026, 6, 30)).Time()
		status = g.pick([]string{"持续整改", "整改中", "持续推进"})
	case x < 98:
		deadline = "长期坚持"
		status = "长期坚持"
	default: // overdue: deadline passed, not finished
		deadline = g.day(ledger.NewDate(2025, 3, 31), ledger.NewDate(2025, 8, 31)).Time()
		status = "持续整改"
	}
	note := ""
	if g.rng.IntN(10) == 0 {
		note = g.pick([]string{"已报镇审核", "资料已归档", "需镇协调", "纳入长效管理"})
	}
	return []any{i + 1, cat, problem, measures, lead, unit, person, deadline, progress, status, done, note}
}

// name returns an invented two- or three-character personal name.
func (g *townGen) name() string {
	s := g.pick(townSurnames) + g.pick(townGiven)
	if g.rng.IntN(3) > 0 {
		s += g.pick(townGiven)
	}
	return s
}

// sentence joins clauses drawn from parts (subject, action, object, result)
// into full-width punctuated text of min to max characters.
func (g *townGen) sentence(min, max int, parts [4][]string) string {
	target := min + g.rng.IntN(max-min+1)
	var b strings.Builder
	n := 0
	for n < target {
		var c strings.Builder
		for _, p := range parts {
			c.WriteString(g.pick(p))
		}
		clause := []rune(c.String())
		if n+len(clause)+1 > max {
			room := max - n - 1
			if n >= min || room < 6 {
				break
			}
			clause = clause[:room]
		}
		if n > 0 {
			b.WriteString("，")
			n++
		}
		b.WriteString(string(clause))
		n += len(clause)
	}
	b.WriteString("。")
	return b.String()
}

var townCategories = []string{
	"学习贯彻党的创新理论", "落实“百千万工程”", "基层党组织建设", "全面从严治党",
	"集体“三资”管理", "财务管理", "村务公开", "人居环境整治", "安全生产", "意识形态工作",
}

var townUnits = []string{"村党委", "村委会", "党群服务中心", "经联社", "村务监督委员会", "村城管站",
	"财务室", "综治中心", "妇联", "团支部"}

var townSurnames = []string{"陈", "黄", "李", "梁", "吴", "林", "郑", "何", "杨", "刘", "冯", "谭",
	"苏", "麦", "欧阳", "钟", "袁", "郭", "罗", "卢"}

var townGiven = []string{"志", "伟", "丽", "敏", "强", "华", "建", "国", "婷", "杰", "文", "颖",
	"锦", "荣", "嘉", "泳", "思", "晓", "达", "燕", "俊", "慧", "峰", "雪"}

var townProblemParts = [4][]string{
	{"村党组织", "“两委”班子", "部分党员", "村集体经济组织", "村务监督委员会", "网格员队伍", "财务人员"},
	{"落实", "执行", "开展", "推进", "把关", "跟踪"},
	{"“第一议题”制度", "“三会一课”", "合同管理", "资产台账登记", "村务公开", "专项资金使用", "警示教育", "人居环境整治", "发展党员程序", "收益分配"},
	{"不够到位", "流于形式", "存在短板", "记录不规范", "覆盖面不全", "程序不严谨", "效果不明显", "更新不及时"},
}

var townMeasureParts = [4][]string{
	{"组织", "督促", "指导", "安排专人", "由村党委牵头", "联合镇有关部门"},
	{"全面排查", "逐项梳理", "对照要求整改", "建立问题清单", "完善工作制度", "开展专题培训", "落实定期检查"},
	{"有关台账", "会议记录", "合同档案", "公开栏内容", "资金支出凭证", "学习资料", "巡查记录"},
	{"并明确责任人和时限", "做到逐项销号", "确保整改到位", "形成长效机制", "按月报送进展", "接受群众监督"},
}

var townProgressParts = [4][]string{
	{"已召开专题会议", "已对照反馈意见", "已组织“两委”干部", "已会同镇职能部门", "已安排专人", "已通过入户走访", "已依托“三资”平台"},
	{"逐条研究整改措施", "完成全面自查", "补齐相关资料", "更新登记台账", "开展集中学习", "落实公开公示", "规范审批流程", "开展“回头看”"},
	{"涉及问题", "相关记录", "各项制度", "存量合同", "公开事项", "专项资金", "网格巡查"},
	{"已全部整改到位", "已按要求完善", "均已建档备查", "运行情况良好", "群众反映良好", "将持续跟踪落实", "纳入日常监督"},
}
