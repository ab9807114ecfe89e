package n8npackage

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/noderun/noderun/node"
)

func TestPrepareBinaryData(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	for _, tc := range []struct {
		name           string
		data           []byte
		filePath, mime string
		want           node.Binary
	}{
		{"type given (Metabase's CSV)", []byte("a,b\n1,x\n2,y\n"), "data", "text/csv",
			node.Binary{Data: "YSxiCjEseAoyLHkK", MimeType: "text/csv", FileName: "data", FileExtension: "csv", FileSize: "12 B", FileType: "text"}},
		{"type from the file name", []byte("{}"), "out/report.json", "",
			node.Binary{Data: "e30=", MimeType: "application/json", FileName: "report.json", Directory: "out", FileExtension: "json", FileSize: "2 B", FileType: "json"}},
		{"type from the signature", png, "", "",
			node.Binary{Data: "iVBORw0KGgoAAAANSUhEUg==", MimeType: "image/png", FileExtension: "png", FileSize: "16 B", FileType: "image"}},
		{"text without a type", []byte("hello"), "", "",
			node.Binary{Data: "aGVsbG8=", MimeType: "text/plain", FileSize: "5 B", FileType: "text"}},
		{"the file name's extension wins", []byte("x"), "notes.md", "text/plain; charset=utf-8",
			node.Binary{Data: "eA==", MimeType: "text/plain; charset=utf-8", FileName: "notes.md", FileExtension: "md", FileSize: "1 B", FileType: "text"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, prepareBinaryData(tc.data, tc.filePath, tc.mime))
		})
	}
}

func TestPrettyBytes(t *testing.T) {
	for n, want := range map[int]string{0: "0 B", 999: "999 B", 1000: "1 kB", 1234: "1.23 kB", 12345: "12.3 kB",
		123456: "123 kB", 999999: "1000 kB", 1500000: "1.5 MB", 3_000_000_000: "3 GB"} {
		require.Equal(t, want, prettyBytes(n), "%d bytes", n)
	}
}
