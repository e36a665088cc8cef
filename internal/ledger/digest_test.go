package ledger

import (
	"testing"
)

func TestVillageDigestsCoverOneVillageEach(t *testing.T) {
	villages := []Village{{Name: "甲村"}, {Name: "乙村"}}
	items := func() []Item {
		return []Item{
			{Village: "甲村", Seq: "1", Problem: "道路破损"},
			{Village: "乙村", Seq: "1", Problem: "路灯不亮"},
			{Village: "甲村", Seq: "2", Problem: "垃圾清运"},
		}
	}
	base, err := VillageDigests(villages, items())
	if err != nil {
		t.Fatal(err)
	}
	if base["甲村"] == "" || base["甲村"] == base["乙村"] {
		t.Fatalf("digests %v: each village needs its own", base)
	}
	changes := map[string]func(its []Item, vs []Village) []Item{
		"a task's text":                 func(its []Item, _ []Village) []Item { its[2].Problem = "垃圾清运不及时"; return its },
		"a field kept out of JSON":      func(its []Item, _ []Village) []Item { its[0].FromSection = true; return its },
		"the order of the tasks":        func(its []Item, _ []Village) []Item { its[0], its[2] = its[2], its[0]; return its },
		"a task more":                   func(its []Item, _ []Village) []Item { return append(its, Item{Village: "甲村", Seq: "3"}) },
		"the village's entry in config": func(its []Item, vs []Village) []Item { vs[0].Org = "中共甲村支部委员会"; return its },
	}
	for name, change := range changes {
		vs := append([]Village(nil), villages...)
		got, err := VillageDigests(vs, change(items(), vs))
		if err != nil {
			t.Fatal(err)
		}
		if got["甲村"] == base["甲村"] {
			t.Errorf("%s: 甲村's digest did not change", name)
		}
		if got["乙村"] != base["乙村"] {
			t.Errorf("%s: 乙村's digest changed with 甲村's part", name)
		}
	}
	again, _ := VillageDigests(villages, items())
	if again["甲村"] != base["甲村"] {
		t.Error("the same part digested twice gave two digests")
	}
}
