package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// halfWidthBesideHan finds ASCII brackets, commas, semicolons, colons and
// question/exclamation marks written against Chinese text, the mistake the
// reference notice's web copy made ("村(社区)"): everything a clerk reads
// uses full-width punctuation.
var halfWidthBesideHan = regexp.MustCompile(`\p{Han}[(,;]|[(]\p{Han}|\p{Han}[)]|\p{Han}:[^/\d\s]`)

// diagnosticShape is the one place a colon stands half-width between
// Chinese words on purpose: the `文件:工作表!单元格` shape of a diagnostic,
// modelled on go vet's file:line:col.
const diagnosticShape = "文件:工作表"

// inputWords are literals that match what clerks type rather than what
// Taizhang prints, so they keep the half-width forms clerks use.
var inputWords = map[string]bool{
	"注:": true, "说明:": true, "备注:": true, "责任单位(部门)": true,
}

func TestClerkFacingStringsUseFullWidthPunctuation(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				// Regular expressions describe input, not output.
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok && strings.HasPrefix(sel.Sel.Name, "MustCompile") {
					return false
				}
			}
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil || inputWords[s] {
				return true
			}
			if m := halfWidthBesideHan.FindString(strings.ReplaceAll(s, diagnosticShape, "")); m != "" {
				t.Errorf("%s: half-width punctuation %q in %q: use （）、，、；、：", fset.Position(lit.Pos()), m, s)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
