package config

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/taizhang/taizhang/internal/ledger"
)

// file is taizhang.yaml as written: every key the file may hold, mapped to
// its Config field by toConfig. YAML stays in this package; the model
// (ledger) knows nothing of it.
type file struct {
	Town         string     `yaml:"town"`
	Issuer       string     `yaml:"issuer"`
	Round        string     `yaml:"round"`
	Inspection   inspection `yaml:"inspection"`
	Disclosure   disclosure `yaml:"disclosure"`
	AsOf         date       `yaml:"as_of"`
	Contact      Contact    `yaml:"contact"`
	Villages     []village  `yaml:"villages"`
	Inbox        string     `yaml:"inbox"`
	Out          string     `yaml:"out"`
	Narrative    string     `yaml:"narrative"`
	Templates    string     `yaml:"templates"`
	Fonts        Fonts      `yaml:"fonts"`
	Publish      Publish    `yaml:"publish"`
	Acknowledged []string   `yaml:"acknowledged"`
}

type inspection struct {
	Group    string `yaml:"group"`
	From     date   `yaml:"from"`
	To       date   `yaml:"to"`
	Feedback date   `yaml:"feedback"`
}

type disclosure struct {
	Date date `yaml:"date"`
	Days int  `yaml:"days"`
}

type village struct {
	Name string `yaml:"name"`
	Org  string `yaml:"org"`
}

// date reads a day written as 2025-03-31 (plain or quoted); a bad one is an
// error that names its line.
type date ledger.Date

func (d *date) UnmarshalYAML(n *yaml.Node) error {
	s := strings.TrimSpace(n.Value)
	if s == "" {
		*d = date{}
		return nil
	}
	v, err := ledger.ParseISODate(s)
	if err != nil {
		return fmt.Errorf("line %d: %v", n.Line, err)
	}
	*d = date(v)
	return nil
}

func (f *file) toConfig() *Config {
	c := &Config{
		Town: f.Town, Issuer: f.Issuer, Round: f.Round,
		Inspection: Inspection{Group: f.Inspection.Group, From: ledger.Date(f.Inspection.From),
			To: ledger.Date(f.Inspection.To), Feedback: ledger.Date(f.Inspection.Feedback)},
		Disclosure:   Disclosure{Date: ledger.Date(f.Disclosure.Date), Days: f.Disclosure.Days},
		AsOf:         ledger.Date(f.AsOf),
		Contact:      f.Contact,
		Inbox:        f.Inbox,
		Out:          f.Out,
		Narrative:    f.Narrative,
		Templates:    f.Templates,
		Fonts:        f.Fonts,
		Publish:      f.Publish,
		Acknowledged: f.Acknowledged,
	}
	for _, v := range f.Villages {
		c.Villages = append(c.Villages, ledger.Village{Name: v.Name, Org: v.Org})
	}
	return c
}
