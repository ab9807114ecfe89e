package n8npackage

import (
	"encoding/base64"
	"fmt"
	"math"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/dop251/goja"

	"github.com/noderun/noderun/node"
)

// prepareBinaryData is n8n's helpers.prepareBinaryData(data, filePath,
// mimeType) with the binary data held in the item (n8n's default mode):
// the MIME type given, else the file name's, else the data's signature,
// else text/plain; the extension the file name has, else the MIME
// type's; the size as pretty-bytes writes it.
func prepareBinaryData(data []byte, filePath, mimeType string) node.Binary {
	if mimeType == "" && filePath != "" {
		// mime-types' lookup gives the bare type; Go adds a charset to text.
		mimeType, _, _ = mime.ParseMediaType(mime.TypeByExtension(path.Ext(filePath)))
	}
	if mimeType == "" {
		// n8n asks the file-type package, which knows formats by their
		// signature and leaves text alone; DetectContentType is the nearest.
		if t := http.DetectContentType(data); !strings.HasPrefix(t, "text/") && t != "application/octet-stream" {
			mimeType = t
		}
	}
	b := node.Binary{MimeType: mimeType, FileExtension: extensionOf(mimeType)}
	if b.MimeType == "" {
		b.MimeType = "text/plain"
	}
	b.FileType = fileTypeOf(b.MimeType)
	if filePath != "" {
		dir, base := path.Split(filePath)
		if dir = strings.TrimSuffix(dir, "/"); dir != "" {
			b.Directory = dir
		}
		b.FileName = base
		if ext := strings.TrimPrefix(path.Ext(base), "."); ext != "" {
			b.FileExtension = ext
		}
	}
	b.Data = base64.StdEncoding.EncodeToString(data)
	b.FileSize = prettyBytes(len(data))
	return b
}

// extensionOf is mime-types' extension: the type's usual extension, ""
// for none.
func extensionOf(mimeType string) string {
	mt, _, err := mime.ParseMediaType(mimeType)
	if err != nil || mt == "" {
		return ""
	}
	exts, _ := mime.ExtensionsByType(mt)
	if len(exts) == 0 {
		return ""
	}
	// The system's table may list several (text/plain: .asc, .txt …);
	// the one named as the subtype is the usual one.
	_, sub, _ := strings.Cut(mt, "/")
	for _, e := range exts {
		if e == "."+sub {
			return sub
		}
	}
	return strings.TrimPrefix(exts[0], ".")
}

// fileTypeOf is n8n-workflow's fileTypeFromMimeType.
func fileTypeOf(mimeType string) string {
	for _, p := range []struct{ prefix, kind string }{
		{"application/json", "json"}, {"text/html", "html"}, {"image/", "image"}, {"audio/", "audio"},
		{"video/", "video"}, {"text/", "text"}, {"application/javascript", "text"}, {"application/pdf", "pdf"},
	} {
		if strings.HasPrefix(mimeType, p.prefix) {
			return p.kind
		}
	}
	return ""
}

// prettyBytes is the pretty-bytes package as n8n calls it: decimal
// units, three significant digits.
func prettyBytes(n int) string {
	if n < 1000 {
		return strconv.Itoa(n) + " B"
	}
	units := []string{"kB", "MB", "GB", "TB", "PB", "EB"}
	exp := min(int(math.Floor(math.Log10(float64(n))/3)), len(units))
	v, _ := strconv.ParseFloat(strconv.FormatFloat(float64(n)/math.Pow(1000, float64(exp)), 'g', 3, 64), 64)
	return strconv.FormatFloat(v, 'f', -1, 64) + " " + units[exp-1]
}

// binaryToJS is an item's binary as IBinaryData objects.
func binaryToJS(vm *goja.Runtime, bin map[string]node.Binary) *goja.Object {
	o := vm.NewObject()
	for k, b := range bin {
		e := vm.NewObject()
		for _, f := range [][2]string{{"data", b.Data}, {"mimeType", b.MimeType}, {"fileName", b.FileName}, {"fileExtension", b.FileExtension},
			{"fileSize", b.FileSize}, {"fileType", b.FileType}, {"directory", b.Directory}} {
			if f[1] != "" || f[0] == "data" || f[0] == "mimeType" {
				_ = e.Set(f[0], f[1])
			}
		}
		_ = o.Set(k, e)
	}
	return o
}

// binaryFromJS reads an item's binary: each key's IBinaryData, its data
// base64 as n8n's default mode holds it.
func binaryFromJS(v goja.Value) (map[string]node.Binary, error) {
	m, ok := fromJS(v).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("its \"binary\" is %s, not an object of binary data", v.String())
	}
	out := make(map[string]node.Binary, len(m))
	for k, e := range m {
		f, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("its binary %q is not an object", k)
		}
		str := func(name string) string { s, _ := f[name].(string); return s }
		data := str("data")
		if _, err := base64.StdEncoding.DecodeString(data); err != nil {
			return nil, fmt.Errorf("its binary %q has data that is not base64 (noderun holds binary data in the item)", k)
		}
		out[k] = node.Binary{Data: data, MimeType: str("mimeType"), FileName: str("fileName"), FileExtension: str("fileExtension"),
			FileSize: str("fileSize"), FileType: str("fileType"), Directory: str("directory")}
	}
	return out, nil
}
