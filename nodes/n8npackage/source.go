package n8npackage

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"container/list"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
)

// maxArchive bounds what a .tgz may unpack to: the archive is held in
// memory, and a hostile one could otherwise fill it.
const maxArchive = 256 << 20

// source is the read-only file tree a package's code may read: module
// paths are slash-separated and relative to its root, with no leading
// slash. Nothing outside it is reachable from JavaScript.
type source interface {
	readFile(name string) ([]byte, error)
	// kind reports whether name is a file, a directory, or neither.
	kind(name string) fileKind
	// display names a path in errors: the host path or the archive path.
	display(name string) string
	// hold keeps what speeds a load's many reads up (open folders) until
	// release is called; holds nest, and reads between them still work.
	hold() (release func())
	// close releases the tree: reads after it fail with ErrClosed.
	close() error
	closed() bool
}

type fileKind int

const (
	notFound fileKind = iota
	isFile
	isDir
)

// dirSource reads a directory through os.Root, which refuses paths (and
// symbolic links) leading outside it.
type dirSource struct {
	root *os.Root
	fsys fs.FS
	dir  string
	// names caches folders' entry names, and kinds the kinds found:
	// resolving one require tries several names in several folders, most
	// of them missing, and a stat through os.Root opens every folder on
	// the way.
	mu    sync.Mutex
	names map[string]map[string]bool
	kinds map[string]fileKind
	// foldCase: the file system ignores case, so a name missing from a
	// listing may still be found.
	foldCase bool
	// folders holds open the folders files are read from (at most
	// maxFolders, least recently used closed first) while a load holds
	// them (holds > 0): reading a file through os.Root opens each folder
	// on its way, and a package's files sit 5 to 8 deep. Anything that
	// fails through a folder (one closed meanwhile too) is asked of the
	// root again, so errors and symbolic links behave as without. Outside
	// loads (a module a route function reads first) files are read by
	// name, and a package holds no descriptors but its root.
	fmu     sync.Mutex
	folders map[string]*list.Element // of *folder
	lru     list.List
	seen    map[string]int
	holds   int
	shut    atomic.Bool
}

// errNotHeld: the folder is not held open; the caller asks the root.
var errNotHeld = errors.New("folder not held open")

type folder struct {
	dir  string
	root *os.Root
}

const maxFolders = 64

// inFolder runs f on an open handle of dir (the root for "."), or
// returns errNotHeld. f runs without the lock, so that runtimes read in
// parallel: a folder closed under it (evicted, released) makes it fail,
// and the caller asks the root, as os.Root allows closing in use.
func (s *dirSource) inFolder(dir string, f func(r *os.Root) error) error {
	if dir == "." || dir == "" {
		return f(s.root)
	}
	s.fmu.Lock()
	if s.holds == 0 {
		s.fmu.Unlock()
		return errNotHeld
	}
	e, ok := s.folders[dir]
	if ok {
		s.lru.MoveToFront(e)
	} else if s.seen[dir]++; s.seen[dir] < 2 {
		// a folder used once (a package.json) costs less through the root
		s.fmu.Unlock()
		return errNotHeld
	} else {
		r, err := s.root.OpenRoot(dir)
		if err != nil {
			s.fmu.Unlock()
			return err
		}
		e = s.lru.PushFront(&folder{dir, r})
		s.folders[dir] = e
		if s.lru.Len() > maxFolders {
			old := s.lru.Back()
			s.lru.Remove(old)
			fd := old.Value.(*folder)
			delete(s.folders, fd.dir)
			_ = fd.root.Close()
		}
	}
	r := e.Value.(*folder).root
	s.fmu.Unlock()
	return f(r)
}

func (s *dirSource) hold() func() {
	s.fmu.Lock()
	s.holds++
	s.fmu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			s.fmu.Lock()
			if s.holds--; s.holds == 0 {
				s.dropFolders()
			}
			s.fmu.Unlock()
		})
	}
}

// dropFolders closes the held folders; fmu is held.
func (s *dirSource) dropFolders() {
	for _, e := range s.folders {
		_ = e.Value.(*folder).root.Close()
	}
	clear(s.folders)
	s.lru.Init()
}

func openDir(dir string) (*dirSource, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	s := &dirSource{root: r, fsys: r.FS(), dir: dir, names: map[string]map[string]bool{}, kinds: map[string]fileKind{}, folders: map[string]*list.Element{}, seen: map[string]int{}}
	for n := range s.list(".") {
		if swapped := swapCase(n); swapped != n && !s.names["."][swapped] {
			_, err := r.Lstat(swapped)
			s.foldCase = err == nil
			break
		}
	}
	return s, nil
}

func swapCase(s string) string {
	return strings.Map(func(r rune) rune {
		if u := unicode.ToUpper(r); u != r {
			return u
		}
		return unicode.ToLower(r)
	}, s)
}

func (s *dirSource) readFile(name string) ([]byte, error) {
	name = clean(name)
	if s.shut.Load() {
		return nil, &fs.PathError{Op: "read", Path: s.display(name), Err: ErrClosed}
	}
	dir, base := path.Split(name)
	var data []byte
	if s.inFolder(strings.TrimSuffix(dir, "/"), func(r *os.Root) (err error) {
		data, err = r.ReadFile(base)
		return err
	}) == nil {
		return data, nil
	}
	data, err := fs.ReadFile(s.fsys, name)
	if err != nil && s.shut.Load() {
		return nil, &fs.PathError{Op: "read", Path: s.display(name), Err: ErrClosed}
	}
	return data, err
}

func (s *dirSource) kind(name string) fileKind {
	name = clean(name)
	if s.shut.Load() {
		return notFound // not cached: the answer is the closing's, not the tree's
	}
	if name != "." && !s.foldCase {
		dir, base := path.Split(name)
		if names := s.list(clean(strings.TrimSuffix(dir, "/"))); names != nil && !names[base] {
			return notFound
		}
	}
	s.mu.Lock()
	k, ok := s.kinds[name]
	s.mu.Unlock()
	if !ok {
		k = s.stat(name)
		s.mu.Lock()
		s.kinds[name] = k
		s.mu.Unlock()
	}
	return k
}

// listed reports whether name's folder lists it, if the folder could be
// listed and the file system heeds case (known).
func (s *dirSource) listed(name string) (found, known bool) {
	if s.foldCase {
		return false, false
	}
	dir, base := path.Split(clean(name))
	names := s.list(clean(strings.TrimSuffix(dir, "/")))
	if names == nil {
		return false, false
	}
	return names[base], true
}

// list returns the names in dir, nil when it cannot be listed (then each
// name is asked of the file system).
// The listing is read without the lock, which serves every runtime's
// lookups; two runtimes may list a folder at once, and the first answer
// stays.
func (s *dirSource) list(dir string) map[string]bool {
	s.mu.Lock()
	l, ok := s.names[dir]
	s.mu.Unlock()
	if ok {
		return l
	}
	read := func(open func() (*os.File, error)) error {
		f, err := open()
		if err != nil {
			return err
		}
		defer f.Close()
		names, err := f.Readdirnames(-1)
		if err == nil {
			l = make(map[string]bool, len(names))
			for _, n := range names {
				l[n] = true
			}
		}
		return err
	}
	err := s.inFolder(dir, func(r *os.Root) error { return read(func() (*os.File, error) { return r.Open(".") }) })
	if err != nil {
		err = read(func() (*os.File, error) { return s.root.Open(dir) })
	}
	if errors.Is(err, fs.ErrNotExist) {
		l = map[string]bool{}
	}
	if s.shut.Load() {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if first, ok := s.names[dir]; ok {
		return first
	}
	s.names[dir] = l
	return l
}

func (s *dirSource) stat(name string) fileKind {
	dir, base := path.Split(name)
	var fi fs.FileInfo
	err := s.inFolder(strings.TrimSuffix(dir, "/"), func(r *os.Root) (err error) {
		fi, err = r.Stat(base)
		return err
	})
	if err != nil {
		fi, err = fs.Stat(s.fsys, name)
	}
	switch {
	case err != nil:
		return notFound
	case fi.IsDir():
		return isDir
	case fi.Mode().IsRegular():
		return isFile
	}
	return notFound
}

func (s *dirSource) display(name string) string {
	return filepath.Join(s.dir, filepath.FromSlash(name))
}

func (s *dirSource) close() error {
	if s.shut.Swap(true) {
		return nil
	}
	s.fmu.Lock()
	s.dropFolders()
	s.fmu.Unlock()
	return s.root.Close()
}

func (s *dirSource) closed() bool { return s.shut.Load() }

func clean(name string) string {
	if name == "" {
		return "."
	}
	return name
}

// memSource is an unpacked archive.
type memSource struct {
	files   map[string][]byte
	dirs    map[string]bool
	archive string
	shut    atomic.Bool
}

func (s *memSource) hold() func() { return func() {} }
func (s *memSource) close() error { s.shut.Store(true); return nil }
func (s *memSource) closed() bool { return s.shut.Load() }

func (s *memSource) readFile(name string) ([]byte, error) {
	if s.shut.Load() {
		return nil, &fs.PathError{Op: "read", Path: s.display(name), Err: ErrClosed}
	}
	if b, ok := s.files[name]; ok {
		return b, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

func (s *memSource) kind(name string) fileKind {
	if _, ok := s.files[name]; ok {
		return isFile
	}
	if s.dirs[clean(name)] {
		return isDir
	}
	return notFound
}

func (s *memSource) display(name string) string { return s.archive + ":" + name }

// readTarball unpacks an npm .tgz into memory. npm packs every file under
// "package/"; that prefix becomes the root.
func readTarball(file string) (*memSource, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: not a gzip archive: %w", file, err)
	}
	s := &memSource{files: map[string][]byte{}, dirs: map[string]bool{".": true}, archive: file}
	tr := tar.NewReader(gz)
	var total int64
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: reading archive: %w", file, err)
		}
		if h.Typeflag != tar.TypeReg {
			continue // links and devices are not followed; directories are implied
		}
		name := path.Clean(strings.TrimPrefix(h.Name, "./"))
		first, rest, ok := strings.Cut(name, "/")
		if !ok || first == ".." || rest == "" || strings.HasPrefix(rest, "../") || path.IsAbs(name) {
			continue // npm's own entries all sit one folder deep
		}
		total += h.Size
		if total > maxArchive {
			return nil, fmt.Errorf("%s: archive unpacks to more than %d MiB", file, maxArchive>>20)
		}
		var buf bytes.Buffer
		if _, err := io.CopyN(&buf, tr, h.Size); err != nil {
			return nil, fmt.Errorf("%s: reading %s: %w", file, h.Name, err)
		}
		s.files[rest] = buf.Bytes()
		for d := path.Dir(rest); d != "."; d = path.Dir(d) {
			s.dirs[d] = true
		}
	}
	if _, ok := s.files["package.json"]; !ok {
		return nil, fmt.Errorf("%s: archive has no package/package.json", file)
	}
	return s, nil
}

// packageRoot splits an installed package's directory into the tree its
// code may read and the package's place in it. A package installed in
// node_modules resolves its dependencies from the node_modules folders at
// and above it, so the tree is the outermost node_modules folder
// (inModules); a package elsewhere reads only its own directory.
func packageRoot(dir string) (root, rel string, inModules bool, err error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", "", false, err
	}
	abs = filepath.ToSlash(abs)
	const nm = "/node_modules/"
	if i := strings.Index(abs, nm); i >= 0 {
		return filepath.FromSlash(abs[:i+len(nm)-1]), abs[i+len(nm):], true, nil
	}
	return filepath.FromSlash(abs), "", false, nil
}
