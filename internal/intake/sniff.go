package intake

import (
	"bytes"
	"io"
	"unicode/utf8"

	"github.com/richardlehane/mscfb"

	"github.com/taizhang/taizhang/internal/ledger"
)

// kind is what a file's first bytes say it is.
type kind int

const (
	kindUnknown kind = iota
	kindZip          // PK: an xlsx (or another zip)
	kindCFB          // D0 CF 11 E0: an old .xls, or an encrypted xlsx
	kindHTML         // a web page saved with a spreadsheet name
	kindMHT          // a web archive (MIME)
	kindPDF
	kindText // comma- or tab-separated text
)

var cfbMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// sniff tells a file's kind from its first bytes.
func sniff(head []byte) kind {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return kindZip
	case bytes.HasPrefix(head, cfbMagic):
		return kindCFB
	case bytes.HasPrefix(head, []byte("%PDF")):
		return kindPDF
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF")), " \t\r\n")
	lower := bytes.ToLower(t)
	switch {
	case bytes.HasPrefix(lower, []byte("mime-version")):
		return kindMHT
	case bytes.HasPrefix(lower, []byte("<")) && (bytes.Contains(lower, []byte("<html")) ||
		bytes.Contains(lower, []byte("<table")) || bytes.Contains(lower, []byte("<!doctype")) ||
		bytes.Contains(lower, []byte("<?xml"))):
		return kindHTML
	}
	if len(t) > 0 && utf8.Valid(trimPartialRune(t)) && !bytes.ContainsRune(t, 0) {
		return kindText
	}
	return kindUnknown
}

// trimPartialRune drops a UTF-8 sequence cut at the end of a sniffed prefix.
func trimPartialRune(b []byte) []byte {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return b
		}
		b = b[:len(b)-1]
	}
	return b
}

const saveAsXLSX = "请用Excel或WPS打开，“另存为”Excel工作簿（*.xlsx）后重新提交"

func notWorkbookMessage(k kind) string {
	switch k {
	case kindHTML, kindMHT:
		return "这是网页格式的表格（常见于从业务系统导出的“.xls”），不是真正的Excel工作簿：" + saveAsXLSX
	case kindPDF:
		return "这是PDF文件，不是Excel工作簿：请提交Excel格式（.xlsx）的台账"
	case kindText:
		return "这是文本（CSV）文件，不是Excel工作簿：" + saveAsXLSX
	}
	return "这不是Excel工作簿（.xlsx）：" + saveAsXLSX
}

// readCFB tells an old .xls from a password-protected xlsx (an OLE compound
// file holding EncryptionInfo and EncryptedPackage streams) and reports it.
func (r *reader) readCFB(ra io.ReaderAt) {
	doc, err := mscfb.New(ra)
	if err != nil {
		r.fileError(ledger.CodeCorrupt, "文件已损坏或不完整，无法读取：请用Excel或WPS打开确认无误后重新保存，再重新提交")
		return
	}
	xls, word := false, false
	for entry, err := doc.Next(); err == nil; entry, err = doc.Next() {
		switch entry.Name {
		case "EncryptionInfo", "EncryptedPackage":
			r.fileError(ledger.CodeEncrypted, "文件设置了打开密码，无法读取：请在Excel或WPS中取消密码（文件→信息→保护工作簿）后重新保存，再重新提交")
			return
		case "Workbook", "Book":
			xls = true
		case "WordDocument":
			word = true
		}
	}
	switch {
	case xls:
		r.fileError(ledger.CodeLegacyXLS, "这是旧版Excel文件（.xls），本程序只读取.xlsx：%s", saveAsXLSX)
	case word:
		r.fileError(ledger.CodeNotWorkbook, "这是Word文档，不是Excel工作簿：请提交Excel格式（.xlsx）的台账")
	default:
		r.fileError(ledger.CodeNotWorkbook, "这不是Excel工作簿（.xlsx）：%s", saveAsXLSX)
	}
}
