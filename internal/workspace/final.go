package workspace

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/taizhang/taizhang/internal/config"
	"github.com/taizhang/taizhang/internal/notice"
)

// FinalRefusals lists why the published set cannot be made yet, one
// reason a line (a line indented four spaces details the one before):
// a village that has not sent a good ledger, a file of no known village,
// any error, personal data not acknowledged, and what init laid out for
// the clerk to replace that is still there (Leftovers). Empty means go.
// build --final and the desk page ask the same question here.
func FinalRefusals(cfg *config.Config, st *Status, errs int) ([]string, error) {
	var why []string
	if len(st.Missing) > 0 {
		why = append(why, fmt.Sprintf("还有 %d 个村（社区）没有报送台账：%s", len(st.Missing), strings.Join(st.Missing, "、")))
	}
	if len(st.Rejected) > 0 {
		why = append(why, fmt.Sprintf("%s的台账被退回，还没有改好", strings.Join(st.Rejected, "、")))
	}
	for _, v := range st.Villages {
		if v.Returned() && !slices.Contains(st.Rejected, v.Name) && len(v.Rejected) > 0 {
			why = append(why, fmt.Sprintf("%s新报的“%s”被退回：改好后重新报送，或从收件箱移走，才会用先前收下的台账", v.Name, v.Rejected[0].Name))
		}
	}
	for _, u := range st.Unknown {
		why = append(why, fmt.Sprintf("收件箱里的“%s”看不出是哪个村（社区）的，请改名或移走", u.Name))
	}
	if errs > 0 {
		why = append(why, fmt.Sprintf("台账中还有 %d 条错误（运行 taizhang status 查看）", errs))
	}
	if n := len(st.PersonalData); n > 0 {
		why = append(why, fmt.Sprintf("有 %d 处可能含有个人信息（手机号码、身份证号码等），请核实后删除，或在 taizhang.yaml 的 acknowledged 中登记：", n))
		for _, d := range st.PersonalData {
			why = append(why, "    "+d.String())
		}
	}
	left, err := Leftovers(cfg)
	if err != nil {
		return nil, err
	}
	return append(why, left...), nil
}

// Guidance are the bracketed instructions init's narrative gives the
// clerk in place of the town's own words. None may be published.
var Guidance = []string{
	"（请写明镇党委收到反馈意见后如何研究部署、压实责任、督促推进，可分（一）（二）（三）小标题。）",
	"（请按问题类别写明重点事项的整改措施和成效，小标题用（一）、1.、（1）逐级编号。）",
	"（请写明巩固整改成果、推进未完成任务、健全长效机制等方面的打算，可用“一是……二是……”分述。）",
}

// guidanceStarts are how every guidance sentence begins, so one the clerk
// shortened or half edited is still found.
var guidanceStarts = []string{"（请写明", "（请按", "（请填写", "（请根据", "（请改成"}

// Leftovers lists what init wrote for the clerk to replace and that is
// still in the workspace: a guidance sentence in the narrative (by its
// place), and, when the town is not the sample town, the sample town's
// issuer or contact values in taizhang.yaml (by key).
func Leftovers(cfg *config.Config) ([]string, error) {
	var why []string
	text, have, err := notice.ReadNarrative(cfg)
	if err != nil {
		return nil, err
	}
	name := filepath.Base(cfg.NarrativePath())
	unit := "行"
	if strings.EqualFold(filepath.Ext(name), ".docx") {
		unit = "段"
	}
	if have {
		for i, line := range strings.Split(text, "\n") {
			if g := guidanceIn(line); g != "" {
				why = append(why, fmt.Sprintf("%s第%d%s还是新建工作文件夹时写的说明“%s”，请换成本镇的实际情况，或删去", name, i+1, unit, g))
			}
		}
	}
	if cfg.Town == example.Town {
		return why, nil
	}
	sample := example.Contact
	for _, c := range []struct{ key, what, got, sample string }{
		{"issuer", "发文机关", cfg.Issuer, example.Issuer},
		{"contact.phone", "联系电话", cfg.Contact.Phone, sample.Phone},
		{"contact.email", "电子邮箱", cfg.Contact.Email, sample.Email},
		{"contact.address", "邮政信箱地址", cfg.Contact.Address, sample.Address},
		{"contact.postcode", "邮政编码", cfg.Contact.Postcode, sample.Postcode},
		{"contact.envelope", "信封上注明的字样", cfg.Contact.Envelope, sample.Envelope},
	} {
		if strings.TrimSpace(c.got) == c.sample {
			why = append(why, fmt.Sprintf("taizhang.yaml 的 %s 还是示例%s的%s“%s”，请改成%s的", c.key, example.Town, c.what, c.sample, cfg.Town))
		}
	}
	return why, nil
}

// guidanceIn is the guidance sentence line holds, or "".
func guidanceIn(line string) string {
	for _, g := range Guidance {
		if strings.Contains(line, g) {
			return g
		}
	}
	for _, s := range guidanceStarts {
		if i := strings.Index(line, s); i >= 0 {
			rest := []rune(line[i:])
			depth := 0
			for j, r := range rest {
				switch r {
				case '（':
					depth++
				case '）':
					depth--
					if depth == 0 {
						return string(rest[:j+1])
					}
				}
			}
			return string(rest)
		}
	}
	return ""
}
