package xlsx

import (
	"io"
	"strings"
	"testing"
)

// tokens renders what the scanner reads, one token a line.
func tokens(t *testing.T, doc string) []string {
	t.Helper()
	sc := newScanner(strings.NewReader(doc))
	var out []string
	for {
		err := sc.next(true)
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("scan %q: %v", doc, err)
		}
		switch sc.kind {
		case tokStart:
			s := "<" + string(sc.name())
			sc.attrs(func(n, v []byte) { s += " " + string(n) + "=" + string(v) })
			if sc.empty {
				s += "/"
			}
			out = append(out, s+">")
		case tokEnd:
			out = append(out, "</"+string(sc.name())+">")
		case tokText:
			if strings.TrimSpace(string(sc.text)) != "" {
				out = append(out, "text:"+string(sc.text))
			}
		}
	}
}

func TestScanner(t *testing.T) {
	doc := `<?xml version="1.0"?><!-- a > comment --><x:worksheet xmlns:x="ns"><x:c r="A1" t='s' f="a>b"/>` +
		`<x:t xml:space="preserve">a &amp; b &lt;&#x4E2D;&#25991;&quot;</x:t><t><![CDATA[<raw> & ]]></t><!DOCTYPE y></x:worksheet>`
	got := strings.Join(tokens(t, doc), "|")
	want := `<worksheet x=ns>|<c r=A1 t=s f=a>b/>|<t space=preserve>|text:a & b <中文"|</t>|<t>|text:<raw> & |</t>|</worksheet>`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if c := columnOfRef([]byte("AB12")); c != 28 {
		t.Errorf("AB12 column %d", c)
	}
	for _, bad := range []string{"<a", "<a b='x>", "<!-- open", "<![CDATA[ open"} {
		sc := newScanner(strings.NewReader(bad))
		var err error
		for err == nil {
			err = sc.next(true)
		}
		if err == io.EOF {
			t.Errorf("%q: no syntax error", bad)
		}
	}
}

// FuzzScanner: any input ends in EOF or an error, without a panic or a hang.
func FuzzScanner(f *testing.F) {
	for _, s := range []string{`<a b="1">x</a>`, `<!-- c -->`, `<![CDATA[x]]>`, `<?pi?>`, `&amp;&#x4E2D;&#99999999;`, `<a b='>'/>`, `<!DOCTYPE x [<!ENTITY e "v">]>`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sc := newScanner(strings.NewReader(s))
		for i := 0; ; i++ {
			if i > len(s)+2 {
				t.Fatalf("more tokens than bytes in %q", s)
			}
			if err := sc.next(true); err != nil {
				return
			}
			sc.attrs(func(_, _ []byte) {})
		}
	})
}
